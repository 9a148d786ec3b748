using System.Diagnostics;
using System.Globalization;
using LeakWatch.Service.Hosting;
using LeakWatch.Synthetic;

namespace LeakWatch.Benchmarks;

/// <summary>A base export enrolled through the real verbs, made once per size in the work folder.</summary>
internal static class Prepare
{
    public const int BaseSeed = 1;

    public static async Task EnrolledBaseAsync(string work, int patients, string[] config)
    {
        var marker = Path.Combine(work, $"enrolled-{patients}");
        if (File.Exists(marker)) return;
        var export = Path.Combine(work, $"base-{patients}.csv");
        if (!File.Exists(export))
        {
            LabExportWriter.WriteFile(export, SyntheticPopulation.Generate(patients, BaseSeed), new LabExportFormat());
        }
        if (!File.Exists(Path.Combine(work, "bench.key"))) await LeakWatchCommandLine.InvokeAsync(["key", "init", .. config]);
        var watch = Stopwatch.StartNew();
        var exit = await LeakWatchCommandLine.InvokeAsync(["enroll", export, .. config]);
        if (exit != 0) throw new InvalidOperationException("enroll failed with exit code " + exit);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"base of {patients} enrolled in {watch.Elapsed.TotalSeconds:F1} s"));
        await File.WriteAllTextAsync(marker, "");
    }
}
