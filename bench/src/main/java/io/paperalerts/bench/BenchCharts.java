package io.paperalerts.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The pipeline benchmark's plots, as PNG files (XChart, headless). */
final class BenchCharts {

    private final Path folder;

    BenchCharts(Path folder) throws IOException {
        System.setProperty("java.awt.headless", "true");
        this.folder = Files.createDirectories(folder);
    }

    /** Lines of y over x, one per series (name -> {x, y}). */
    Path lines(String file, String title, String xTitle, String yTitle, Map<String, double[][]> series, boolean logY)
            throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(480)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        series.forEach((name, xy) -> {
            XYSeries line = chart.addSeries(name, xy[0], xy[1]);
            line.setMarker(SeriesMarkers.NONE);
        });
        Path out = folder.resolve(file);
        BitmapEncoder.saveBitmap(chart, out.toString(), BitmapEncoder.BitmapFormat.PNG);
        return out;
    }

    /** Percentile (x, 0-100) against latency in ms (y, log), for each stage's sorted samples. */
    Path latencyDistribution(String file, String title, Map<String, long[]> sortedSamples) throws IOException {
        Map<String, double[][]> series = new LinkedHashMap<>();
        sortedSamples.forEach((name, samples) -> {
            int points = 400;
            double[] x = new double[points];
            double[] y = new double[points];
            for (int i = 0; i < points; i++) {
                // Denser towards the tail, where the percentiles that matter are.
                double p = 100.0 * (1 - Math.pow(1 - i / (double) (points - 1), 2.5));
                x[i] = p;
                y[i] = Math.max(1, LatencyRuns.percentile(samples, p));
            }
            series.put(name, new double[][] {x, y});
        });
        return lines(file, title, "percentile", "latency (ms, log scale)", series, true);
    }
}
