using System.Diagnostics;
using System.Globalization;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Keys;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Benchmarks;

/// <summary>
/// <c>load --work DIR [--patients 1000000] [--rebuild]</c>: the index file of the scan benchmark's enrolled base, built
/// from the store (when missing, or always with <c>--rebuild</c>) and opened, with time, CPU, file size and the process's
/// memory after each step: anonymous memory (the heap: what the process holds) apart from the file's mapped pages
/// (the page cache's, shared and reclaimable).
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
        var files = host.Services.GetRequiredService<FingerprintIndexFiles>();
        var store = host.Services.GetRequiredService<FingerprintStore>();
        var keys = await host.Services.GetRequiredService<KeyProvider>().GetKeysAsync(CancellationToken.None);
        var active = await store.GetActiveEnrollmentAsync(CancellationToken.None) ?? throw new InvalidOperationException("nothing enrolled");
        using var process = Process.GetCurrentProcess();

        void Report(string step, Stopwatch watch)
        {
            process.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{step}: {watch.Elapsed.TotalSeconds:F2} s (process CPU so far {process.TotalProcessorTime.TotalSeconds:F2} s); {Memory.Describe()}"));
        }

        var path = files.PathOf(active.Id);
        var database = host.Services.GetRequiredService<Database>().Files.Sum(f => new FileInfo(f).Length);
        if (args.Contains("--rebuild") || !File.Exists(path))
        {
            var building = Stopwatch.StartNew();
            await files.BuildActiveAsync(keys, CancellationToken.None);
            Report("build the index file from the store", building);
        }
        var length = new FileInfo(path).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{active.Patients:N0} patients, {active.LinkedFingerprints:N0} linked, {active.SetMembers:N0} members; database {database / 1e6:F0} MB ({(double)database / active.Patients:F0} B a patient), index file {length / 1e6:F0} MB ({(double)length / active.Patients:F0} B a patient)"));

        var opening = Stopwatch.StartNew();
        using var index = await files.OpenActiveAsync(keys, CancellationToken.None) ?? throw new InvalidOperationException("nothing enrolled");
        Report($"open (map, check both MACs, copy the tables and filter: {index.ResidentBytes / 1e6:F0} MB)", opening);
        return 0;
    }
}

/// <summary>The process's memory from /proc/self/status: anonymous (heap, stacks) apart from mapped file pages.</summary>
internal static class Memory
{
    public static long Kilobytes(string field)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return 0;
    }

    public static string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"resident {Kilobytes("VmRSS") / 1e3:F0} MB = anonymous {Kilobytes("RssAnon") / 1e3:F0} MB + file pages {Kilobytes("RssFile") / 1e3:F0} MB; peak resident {Kilobytes("VmHWM") / 1e3:F0} MB; GC heap {GC.GetTotalMemory(false) / 1e6:F0} MB; allocated {GC.GetTotalAllocatedBytes() / 1e6:F0} MB; collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} (gen0/1/2), paused {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms");

    /// <summary>Samples the anonymous memory every 20 ms until disposed; <see cref="Peak"/> is the largest seen (kB).</summary>
    public sealed class PeakSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;
        private long _peak;

        public PeakSampler() => _task = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            do Interlocked.Exchange(ref _peak, Math.Max(Interlocked.Read(ref _peak), Kilobytes("RssAnon")));
            while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default));
        });

        public long Peak => Math.Max(Interlocked.Read(ref _peak), Kilobytes("RssAnon"));

        public void Dispose()
        {
            _stop.Cancel();
            _task.Wait();
            _stop.Dispose();
        }
    }
}
