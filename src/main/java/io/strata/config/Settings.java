package io.strata.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;

/**
 * Every setting of the config file as one flat map, {@code strata.s3.bucket = archive},
 * {@code strata.jobs[0].name = events}, with {@code {{env:…}}} resolved: what the routes read as Camel
 * properties. Secrets (passwords, keys) are left out: no route needs one, and Camel's properties are not
 * a place for them.
 */
final class Settings {

    private static final Set<String> SECRETS = Set.of("password", "secretKey", "accessKey");

    private Settings() {}

    /** @param resolve (key, raw value) to the value with its placeholders resolved */
    static Map<String, String> flatten(JsonNode strata, BinaryOperator<String> resolve) {
        Map<String, String> out = new LinkedHashMap<>();
        walk("strata", strata, resolve, out);
        return out;
    }

    private static void walk(String at, JsonNode node, BinaryOperator<String> resolve, Map<String, String> out) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!SECRETS.contains(e.getKey())) {
                    walk(at + "." + e.getKey(), e.getValue(), resolve, out);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(at + "[" + i + "]", node.get(i), resolve, out);
            }
        } else {
            out.put(at, resolve.apply(at, node.asText()));
        }
    }
}
