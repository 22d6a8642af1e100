package io.strata.verify;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The outcome of a verify, as the CLI prints it and JMX returns it. Sound when it lists no problem. */
public record VerifyReport(boolean deep, List<JobCheck> jobs, List<Problem> problems, long millis) {

    /**
     * One job's objects.
     *
     * @param rows the rows the manifest lists for them; with deep, the rows parsed
     */
    public record JobCheck(String job, int objects, long gzipBytes, long rows, int sound, int corrupt, int missing,
            int orphans) {}

    /** @param code an {@link io.strata.ErrorCode} name: OBJECT_MISSING, OBJECT_CORRUPT or OBJECT_ORPHAN */
    public record Problem(String code, String job, String key, String detail) {}

    @JsonProperty("ok")
    public boolean ok() {
        return problems.isEmpty();
    }
}
