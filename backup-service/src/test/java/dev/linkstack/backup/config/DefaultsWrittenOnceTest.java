package dev.linkstack.backup.config;

import io.smallrye.config.WithDefault;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each default of a setting is written once: in {@code @WithDefault} of BackupConfig, or (for settings whose
 * environment variable has another name) in application.properties, never in both.
 */
class DefaultsWrittenOnceTest {

    @Test
    void noSettingHasItsDefaultInBothPlaces() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            properties.load(in);
        }
        Set<String> inProperties = new TreeSet<>();
        properties.stringPropertyNames().stream().filter(name -> name.startsWith("backup.")).forEach(inProperties::add);
        List<String> withDefault = new ArrayList<>();
        collect(BackupConfig.class, "backup", withDefault);
        assertTrue(withDefault.contains("backup.cron") && withDefault.contains("backup.offsite.keep-last"), withDefault.toString());
        assertTrue(inProperties.contains("backup.retention.keep-last"), inProperties.toString());
        assertEquals(List.of(), withDefault.stream().filter(inProperties::contains).toList(), "defaults written twice");
    }

    private static void collect(Class<?> type, String prefix, List<String> names) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.getParameterCount() > 0 || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            String name = prefix + "." + kebab(method.getName());
            if (method.isAnnotationPresent(WithDefault.class)) {
                names.add(name);
            } else if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == BackupConfig.class) {
                collect(method.getReturnType(), name, names);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
