package io.strata.restore;

import io.strata.Tally;
import io.strata.export.Window;
import io.strata.manifest.ManifestEntry;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * One restore in progress, carried through the restore route: the objects it found, which of them it
 * already knows to skip, and what became of each so far.
 */
public final class RestorePlan {

    private final RestoreRequest request;
    private final Target into;
    private final List<ManifestEntry> objects;
    private final Map<Long, String> skips = new HashMap<>();
    private final ZoneId zone;
    private final Tally<ObjectResult> tally;
    private final Semaphore loads;

    RestorePlan(RestoreRequest request, Target into, List<ManifestEntry> objects, ZoneId zone, int concurrency) {
        this.request = request;
        this.loads = new Semaphore(concurrency);
        this.into = into;
        this.objects = List.copyOf(objects);
        this.tally = new Tally<>(this.objects.size());
        this.zone = zone;
    }

    /** Limits the objects of this restore that are downloaded and loaded at once to the job's concurrency. */
    Semaphore loads() {
        return loads;
    }

    public RestoreRequest request() {
        return request;
    }

    public List<ManifestEntry> objects() {
        return objects;
    }

    /** The table the object goes into: {@code --into}, else the one it came from. */
    Target target(ManifestEntry o) {
        return into != null ? into : Target.parse(o.table(), "manifest table_name");
    }

    /** True when the object goes back into the table it came from (then its manifest row turns 'restored'). */
    boolean live(ManifestEntry o) {
        return into == null || into.equals(Target.parse(o.table(), "manifest table_name"));
    }

    /** Why the object was already known not to need loading when the plan was made, or null. */
    String skip(ManifestEntry o) {
        return skips.get(o.id());
    }

    void skip(ManifestEntry o, String reason) {
        if (reason != null) {
            skips.put(o.id(), reason);
        }
    }

    String targetName() {
        if (into != null) {
            return into.name();
        }
        return String.join(", ", objects.stream().map(ManifestEntry::table).distinct().toList());
    }

    /** The object's window as its key names it ({@code yyyyMMddHH}, {@code yyyyMM} for a month…) in the job's zone. */
    String window(ManifestEntry o) {
        return new Window(o.windowStart().atZoneSameInstant(zone).toLocalDateTime(),
                o.windowEnd().atZoneSameInstant(zone).toLocalDateTime()).label();
    }

    /** Adds an object's result and reports it; one at a time, so that each progress line is its own object's. */
    synchronized ObjectResult add(ObjectResult r) {
        tally.add(r);
        if (request.progress() != null) {
            request.progress().accept(this);
        }
        return r;
    }

    public List<ObjectResult> results() {
        return tally.results();
    }

    public ObjectResult lastResult() {
        return tally.last();
    }

    public long elapsedMs() {
        return tally.elapsedMs();
    }

    /** Milliseconds until the remaining objects are done at the pace so far; -1 before the first one. */
    public long etaMs() {
        return tally.etaMs();
    }
}
