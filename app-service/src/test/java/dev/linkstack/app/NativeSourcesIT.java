package dev.linkstack.app;

import dev.linkstack.testing.NativeSources;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs after {@code -Dnative -Dquarkus.native.sources-only=true}: the native build got as far as native-image
 * would start, with everything the app needs at run time registered.
 */
class NativeSourcesIT {
    private final NativeSources sources = new NativeSources(Path.of("target", "native-sources"));

    @Test
    void theImageIsBuiltWithoutFallbackAndWithQuarkusFeatures() {
        String args = sources.arguments();
        for (String expected : List.of("--no-fallback", "io.quarkus.runner.Feature", "--link-at-build-time", "--enable-url-protocols=http,https")) {
            assertTrue(args.contains(expected), expected + " missing in native-image.args");
        }
    }

    @Test
    void entitiesAndJsonTypesAreRegisteredForReflection() {
        String reflection = sources.configuration("reflect-config.json");
        for (String type : List.of("dev.linkstack.app.auth.User", "dev.linkstack.app.links.Link", "dev.linkstack.app.tokens.ApiToken",
                "dev.linkstack.app.clicks.DailyClicks", "dev.linkstack.app.links.LinkResource$LinkView", "dev.linkstack.app.links.LinkResource$CreateLink",
                "dev.linkstack.app.web.ApiError", "dev.linkstack.app.tokens.TokenResource$CreatedToken", "dev.linkstack.app.links.LinkService$Stats", "dev.linkstack.app.auth.AuthResource$Credentials")) {
            assertTrue(reflection.contains("\"" + type + "\""), type + " not registered for reflection");
        }
    }

    @Test
    void migrationsTemplatesAssetsAndTheConfigurationFileAreIncluded() {
        String resources = sources.configuration("resource-config.json");
        for (String resource : List.of("db/migration/postgresql/V1__links_users_tokens_clicks.sql", "templates/ui/dashboard.html",
                "templates/base.html", "META-INF/resources/static/app.css", "application\\\\.properties")) {
            assertTrue(resources.contains(resource), resource + " not included as a resource");
        }
    }
}
