package dev.linkstack.bench;

/** How big each benchmark is: the full run, or a smoke run of a few seconds that only proves the machinery. */
record Sizes(int links, int warmupSeconds, int seconds, int rounds, int connections, int exactRequests, int rssRedirects,
             int bigScale, int smallScale, int backupRounds, int startups) {
    static final Sizes FULL = new Sizes(3000, 5, 10, 3, 64, 20_000, 10_000, 65, 3, 2, 5);
    static final Sizes SMOKE = new Sizes(40, 1, 2, 1, 64, 400, 1_000, 1, 1, 1, 1);

    /**
     * The sizes of a full or smoke run; BENCH_SECONDS, BENCH_LINKS and BENCH_ROUNDS (experiments only) change a redirect
     * run's length, links and rounds (more rounds narrow a comparison's median on a noisy machine).
     */
    static Sizes chosen(boolean smoke) {
        Sizes chosen = smoke ? SMOKE : FULL;
        String seconds = System.getenv().getOrDefault("BENCH_SECONDS", String.valueOf(chosen.seconds()));
        String links = System.getenv().getOrDefault("BENCH_LINKS", String.valueOf(chosen.links()));
        String rounds = System.getenv().getOrDefault("BENCH_ROUNDS", String.valueOf(chosen.rounds()));
        if (!seconds.isBlank() && !links.isBlank() && !rounds.isBlank()) {
            chosen = new Sizes(Integer.parseInt(links), chosen.warmupSeconds(), Integer.parseInt(seconds), Integer.parseInt(rounds), chosen.connections(),
                    chosen.exactRequests(), chosen.rssRedirects(), chosen.bigScale(), chosen.smallScale(), chosen.backupRounds(), chosen.startups());
        }
        return chosen;
    }
}
