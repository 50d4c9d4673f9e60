package dev.linkstack.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The defaults of a service's {@code @ConfigMapping} interfaces, read from their source in the repository, by the
 * environment variable each setting is read from (SmallRye's mapping: {@code backup.retention.days} from
 * {@code BACKUP_RETENTION_DAYS}): the {@code @WithDefault} value, or "" (unset) for an {@code Optional} without one.
 */
final class ConfigMappingDefaults {
    private static final Pattern PREFIX = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE = Pattern.compile("^\\s*(?:public\\s+)?interface\\s+(\\w+)\\b");
    private static final Pattern WITH_DEFAULT = Pattern.compile("^\\s*@WithDefault\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)");
    private static final Pattern WITH_NAME = Pattern.compile("^\\s*@WithName\\(\"([^\"]+)\"\\)");
    private static final Pattern METHOD = Pattern.compile("^\\s*([\\w.]+(?:<[\\w.<>, ?]+>)?)\\s+(\\w+)\\(\\);");

    private record Setting(String type, String name, String defaultValue) {
    }

    private ConfigMappingDefaults() {
    }

    /** Every setting with a default of every {@code @ConfigMapping} interface under {@code module}/src/main/java. */
    static Map<String, String> of(String module) {
        Map<String, String> defaults = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(RepositoryFiles.path(module + "/src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher prefix = PREFIX.matcher(source);
                if (prefix.find()) {
                    read(source, prefix.group(1), defaults);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return defaults;
    }

    private static void read(String source, String prefix, Map<String, String> into) {
        // The settings of each interface, the outermost first; nested interfaces are reached through a method.
        Map<String, List<Setting>> interfaces = new LinkedHashMap<>();
        List<String> open = new ArrayList<>();
        List<Integer> openedAt = new ArrayList<>();
        int depth = 0;
        String pendingDefault = null;
        String pendingName = null;
        for (String line : source.lines().toList()) {
            Matcher declared = INTERFACE.matcher(line);
            if (declared.find()) {
                open.add(declared.group(1));
                openedAt.add(depth);
                interfaces.put(declared.group(1), new ArrayList<>());
            }
            Matcher withDefault = WITH_DEFAULT.matcher(line);
            Matcher withName = WITH_NAME.matcher(line);
            Matcher method = METHOD.matcher(line);
            if (withDefault.find()) {
                pendingDefault = withDefault.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
            } else if (withName.find()) {
                pendingName = withName.group(1);
            } else if (method.find() && !open.isEmpty() && depth == openedAt.get(openedAt.size() - 1) + 1) {
                String name = pendingName != null ? pendingName : kebab(method.group(2));
                interfaces.get(open.get(open.size() - 1)).add(new Setting(method.group(1), name, pendingDefault));
                pendingDefault = null;
                pendingName = null;
            }
            for (char c : line.toCharArray()) {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    if (!openedAt.isEmpty() && depth == openedAt.get(openedAt.size() - 1)) {
                        open.remove(open.size() - 1);
                        openedAt.remove(openedAt.size() - 1);
                    }
                }
            }
        }
        if (!interfaces.isEmpty()) {
            collect(interfaces, interfaces.keySet().iterator().next(), prefix, into);
        }
    }

    private static void collect(Map<String, List<Setting>> interfaces, String type, String path, Map<String, String> into) {
        for (Setting setting : interfaces.get(type)) {
            String property = path + "." + setting.name();
            if (interfaces.containsKey(setting.type())) {
                collect(interfaces, setting.type(), property, into);
            } else if (setting.defaultValue() != null) {
                into.put(envVar(property), setting.defaultValue());
            } else if (setting.type().startsWith("Optional")) {
                into.put(envVar(property), "");
            }
        }
    }

    private static String envVar(String property) {
        return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
