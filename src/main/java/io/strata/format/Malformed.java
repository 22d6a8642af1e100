package io.strata.format;

import java.io.IOException;

/** An archive object whose content does not parse: the message says which line and why. */
public final class Malformed extends IOException {

    public Malformed(String message) {
        super(message);
    }
}
