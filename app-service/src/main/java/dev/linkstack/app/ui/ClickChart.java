package dev.linkstack.app.ui;

import dev.linkstack.app.stats.VisitStatistics.Day;

import java.util.List;

/** Clicks per day as an inline SVG bar chart: no JavaScript, no chart library, readable by screen readers. */
public final class ClickChart {
    private static final int WIDTH = 600;
    private static final int HEIGHT = 160;
    private static final int AXIS = 18;

    private ClickChart() {
    }

    public static String svg(List<Day> days) {
        long max = Math.max(1, days.stream().mapToLong(Day::clicks).max().orElse(0));
        double slot = (double) WIDTH / days.size();
        double barWidth = Math.max(1, slot * 0.8);
        int plotHeight = HEIGHT - AXIS;
        StringBuilder svg = new StringBuilder()
                .append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"Clicks per day, ").append(days.get(0).day()).append(" to ")
                .append(days.get(days.size() - 1).day()).append(", at most ").append(max).append(" a day\">")
                .append("<line x1=\"0\" y1=\"").append(plotHeight).append("\" x2=\"").append(WIDTH).append("\" y2=\"").append(plotHeight)
                .append("\" stroke=\"#888\"/>");
        for (int i = 0; i < days.size(); i++) {
            Day day = days.get(i);
            double height = day.clicks() == 0 ? 0 : Math.max(2, (double) day.clicks() / max * (plotHeight - 4));
            svg.append(String.format(java.util.Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2f6fde\">",
                            i * slot + (slot - barWidth) / 2, plotHeight - height, barWidth, height))
                    .append("<title>").append(day.day()).append(": ").append(day.clicks()).append(day.clicks() == 1 ? " click" : " clicks")
                    .append("</title></rect>");
        }
        svg.append("<text x=\"0\" y=\"").append(HEIGHT - 4).append("\" font-size=\"12\" fill=\"#555\">").append(days.get(0).day()).append("</text>")
                .append("<text x=\"").append(WIDTH).append("\" y=\"").append(HEIGHT - 4).append("\" font-size=\"12\" fill=\"#555\" text-anchor=\"end\">")
                .append(days.get(days.size() - 1).day()).append("</text></svg>");
        return svg.toString();
    }
}
