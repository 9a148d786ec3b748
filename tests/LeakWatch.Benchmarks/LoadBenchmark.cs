using System.Diagnostics;
using System.Globalization;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Benchmarks;

/// <summary>
/// <c>load --work DIR [--patients 1000000]</c>: the index load alone, on the scan benchmark's enrolled base, in steps
/// (read the chunks, build the in-memory index) with the working set after each: where load time and memory go.
/// </summary>
internal static class LoadBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var workAt = Array.IndexOf(args, "--work");
        var work = workAt >= 0 ? args[workAt + 1] : Path.Combine(Path.GetTempPath(), "leakwatch-bench");
        var patientsAt = Array.IndexOf(args, "--patients");
        var patients = patientsAt >= 0 ? int.Parse(args[patientsAt + 1], CultureInfo.InvariantCulture) : 1_000_000;
        using var host = LeakWatchHost.CreateBuilder(
        [
            "--LeakWatch:DataDirectory=" + Path.Combine(work, $"data-{patients}"),
            "--LeakWatch:KeyFile=" + Path.Combine(work, "bench.key"),
            "--Logging:LogLevel:Default=Warning",
        ]).Build();
        var store = host.Services.GetRequiredService<FingerprintStore>();
        using var process = Process.GetCurrentProcess();

        void Report(string step, Stopwatch watch)
        {
            process.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{step}: {watch.Elapsed.TotalSeconds:F2} s (process CPU so far {process.TotalProcessorTime.TotalSeconds:F2} s); working set {process.WorkingSet64 / 1e6:F0} MB, peak {process.PeakWorkingSet64 / 1e6:F0} MB, GC heap {GC.GetTotalMemory(false) / 1e6:F0} MB"));
        }

        var total = Stopwatch.StartNew();
        var watch = Stopwatch.StartNew();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        FingerprintSnapshot? snapshot = await store.LoadActiveAsync(CancellationToken.None) ?? throw new InvalidOperationException("nothing enrolled");
        Report($"read chunks ({snapshot.Patients.Length:N0} patients, {snapshot.LinkedKeys.Length:N0} linked, {snapshot.SetMembers.Length:N0} members)", watch);
        watch.Restart();
        var index = new FingerprintIndex(snapshot!);
        Report("build index", watch);
        Report("total", total);
        snapshot = null;
        GC.Collect();
        Report("after a full collection (the index alone)", total);
        GC.KeepAlive(index);
        return 0;
    }
}
