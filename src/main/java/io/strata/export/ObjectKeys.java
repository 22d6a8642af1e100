package io.strata.export;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The S3 layout: {@code {prefix}/{job}/{tenant?}/{yyyy}/{MM}/{dd}/{table}-{yyyyMMddHH}-c{chunk}.{csv|jsonl}.gz}
 * ({@code yyyyMMddHHmm} for windows shorter than an hour); for a month window
 * {@code {prefix}/{job}/{tenant?}/{yyyy}/{MM}/{table}-{yyyyMM}-c{chunk}…}, and for a week window the day of its
 * Monday and {@code w}: {@code …/{yyyy}/{MM}/{dd}/{table}-{yyyyMMdd}w-c{chunk}…}. A job whose windows are bundles
 * ({@code tables:}) writes {@code .zip} where the others write {@code .csv.gz} or {@code .jsonl.gz}. Beside each object its sidecar, the same key with {@code .json} appended. Distinct partitions get
 * distinct keys (the tenant segment is injective); that a key is free is checked before every upload
 * ({@link KeyClaim}), since a changed prefix, zone or batch could still lead two windows to one key.
 */
public final class ObjectKeys {

    private static final Pattern WRITTEN = Pattern.compile(".*-(\\d{6}|\\d{8}w|\\d{10}|\\d{12})-c\\d+\\.(csv\\.gz|jsonl\\.gz|zip)(\\.json)?");

    private ObjectKeys() {}

    public static String objectKey(String prefix, Partition p, int chunk) {
        StringBuilder key = new StringBuilder();
        if (!prefix.isEmpty()) {
            key.append(prefix).append('/');
        }
        key.append(p.job().name()).append('/');
        if (p.tenantSplit()) {
            key.append(tenantSegment(p.tenant())).append('/');
        }
        Window w = p.window();
        if (w.isMonth()) {
            key.append(String.format("%04d/%02d/", w.start().getYear(), w.start().getMonthValue()));
        } else {
            key.append(String.format("%04d/%02d/%02d/", w.start().getYear(), w.start().getMonthValue(), w.start().getDayOfMonth()));
        }
        key.append(p.job().table()).append('-').append(w.label()).append("-c").append(chunk)
                .append(p.job().bundles() ? ".zip" : "." + p.job().format().extension() + ".gz");
        return key.toString();
    }

    public static String sidecarKey(String objectKey) {
        return objectKey + ".json";
    }

    /**
     * The window label ({@code yyyyMMddHH}, {@code yyyyMMddHHmm}, {@code yyyyMM} or {@code yyyyMMddw}) of a key shaped like the ones Strata
     * writes, an object's or its sidecar's; null for any other key.
     */
    public static String windowLabel(String key) {
        Matcher m = WRITTEN.matcher(key);
        return m.matches() ? m.group(1) : null;
    }

    /** The job's part of the bucket: everything Strata writes for it starts with this. */
    public static String jobPrefix(String prefix, String job) {
        return (prefix.isEmpty() ? "" : prefix + "/") + job + "/";
    }

    /** The segment that stands for a NULL tenant: no value's segment contains '~', so none can be this. */
    public static final String NULL_TENANT = "~null";
    /** The segment that stands for the empty-string tenant (an empty segment would be no segment at all). */
    public static final String EMPTY_TENANT = "~empty";

    /**
     * A tenant value as one path segment, injectively: NULL is {@value #NULL_TENANT}, the empty string
     * {@value #EMPTY_TENANT}; otherwise the value's UTF-8 bytes, with ASCII letters, digits, '-', '_' and a
     * '.' that is not the first character as they are and every other byte as {@code %XX} (upper-case hex).
     * So '/', '%', '~' and control characters are always escaped, no segment is {@code .} or {@code ..}, and
     * two values share a segment only when they are equal.
     */
    public static String tenantSegment(String value) {
        if (value == null) {
            return NULL_TENANT;
        }
        if (value.isEmpty()) {
            return EMPTY_TENANT;
        }
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || (c == '.' && out.length() > 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
