package dev.linkstack.deploy;

import java.util.List;

/** A whole Compose project: its containers, networks (internal or not) and named volumes. */
public record Deployment(String projectName, List<Service> services, List<Network> networks, List<String> volumes) {

    public record Network(String name, boolean internal, String description) {
    }

    public Service service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name));
    }
}
