package dev.linkstack.backup.ui;

import dev.linkstack.backup.pitr.BaseBackup;
import dev.linkstack.backup.pitr.RestoreProofResult;
import dev.linkstack.backup.restore.VerifyReport;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

import java.util.List;

/** Templates of the backups page (templates/ui/*.html), type-checked at build time. */
@CheckedTemplate(basePath = "ui")
public class Pages {

    public record Row(String id, String database, String startedAt, String age, String size, String sha256, String shortSha256,
                      String status, String format) {
    }

    /** Freshness of the newest successful backup, as the health check judges it. */
    public record Freshness(boolean fresh, String lastSuccess, String maxAge) {
    }

    public static native TemplateInstance login(String error);

    public static native TemplateInstance backups(String csrf, List<Row> backups, Freshness freshness, String runningJob, String notice,
                                                  VerifyReport report, RestoreProofResult lastProof, List<BaseBackup> baseBackups);

    public static native TemplateInstance rejected();
}
