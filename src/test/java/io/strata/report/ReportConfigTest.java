package io.strata.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.testing.TestEnv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportConfigTest {

    @TempDir
    Path dir;

    private TestEnv.Run report(String extraYaml) {
        Path config = TestEnv.config(dir, "http://127.0.0.1:9", "strata_t_ops_config", extraYaml, "    []\n");
        return TestEnv.cli("--config", config.toString(), "report");
    }

    @Test
    void aBadReportOrManagementSettingIsRejectedByName() {
        TestEnv.Run cron = report("  report: { schedule: \"every day\" }\n");
        assertEquals(2, cron.exit(), cron.toString());
        assertTrue(cron.err().contains("CONFIG_INVALID") && cron.err().contains("strata.report.schedule \"every day\""), cron.err());

        TestEnv.Run price = report("  report: { pricePerGbMonth: -1 }\n");
        assertEquals(2, price.exit(), price.toString());
        assertTrue(price.err().contains("strata.report.pricePerGbMonth \"-1\" must not be negative"), price.err());

        TestEnv.Run port = report("  management: { jolokiaPort: 70000 }\n");
        assertEquals(2, port.exit(), port.toString());
        assertTrue(port.err().contains("strata.management.jolokiaPort \"70000\" must be between 0 and 65535"), port.err());

        TestEnv.Run typo = report("  management: { jolokiaHots: 0.0.0.0 }\n");
        assertEquals(2, typo.exit(), typo.toString());
        assertTrue(typo.err().contains("strata.management.jolokiaHots is not a known key"), typo.err());
    }
}
