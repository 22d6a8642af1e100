package io.strata;

/**
 * The one exception type Strata throws on purpose. Its {@link ErrorCode} decides the exit code of a
 * command, the log line of a route and the state a job shows in JMX; the message names the file, key,
 * table or object at fault.
 */
public class StrataException extends RuntimeException {

    private final ErrorCode code;

    public StrataException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public StrataException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }

    /** The message without the code prefix. */
    public String detail() {
        return super.getMessage();
    }

    /** The innermost cause of {@code t} (itself when it has none). */
    public static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The first of {@code t} and its causes that is a {@code type}, or null. */
    public static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
