package io.strata.export;

/** Told of every batch's result as it is added to its run, from the batch's thread (the metrics count them). */
@FunctionalInterface
public interface BatchListener {

    BatchListener NONE = result -> { };

    void batch(BatchResult result);
}
