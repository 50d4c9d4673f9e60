package dev.linkstack.deploy;

import java.util.List;

/** Renders an .env example: every variable with its comment; secrets only as refused placeholders. */
public final class EnvExample {
    private EnvExample() {
    }

    public static String render(String header, String usage, List<EnvVar> variables) {
        StringBuilder text = new StringBuilder(header).append(usage).append('\n');
        for (EnvVar variable : variables) {
            text.append('\n');
            for (String line : variable.description().split("\n")) {
                text.append("# ").append(line).append('\n');
            }
            if (variable.secret()) {
                text.append("# Secret: replace the placeholder; the services refuse to start with it.\n");
            }
            String value = variable.example().contains(" ") ? "\"" + variable.example() + "\"" : variable.example();
            text.append(variable.name()).append('=').append(value).append('\n');
        }
        return text.toString();
    }
}
