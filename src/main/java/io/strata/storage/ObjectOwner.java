package io.strata.storage;

import java.util.Map;

/**
 * Who wrote an object, as its user metadata says ({@code x-amz-meta-strata-*}): the installation (a
 * UUID kept in Strata's schema, so one per manifest) and the job. It describes; what decides whether an
 * object may be written over is this installation's claim on the key (see {@code claim} in the schema).
 */
public record ObjectOwner(String installation, String job) {

    public static final String INSTALLATION = "strata-installation";
    public static final String JOB = "strata-job";

    /** The owner an object's metadata names; null fields when it names none (not written by Strata, or before owners were recorded). */
    public static ObjectOwner of(Map<String, String> metadata) {
        return new ObjectOwner(metadata.get(INSTALLATION), metadata.get(JOB));
    }

    public String describe() {
        return this.installation == null ? "no Strata installation" : "installation " + this.installation
                + (job == null ? "" : ", job " + job);
    }
}
