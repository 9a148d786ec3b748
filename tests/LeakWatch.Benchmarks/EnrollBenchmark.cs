using System.Diagnostics;
using System.Globalization;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Normalization;
using LeakWatch.Service.Enrollment;
using LeakWatch.Service.Keys;
using LeakWatch.Service.Storage;
using LeakWatch.Synthetic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LeakWatch.Benchmarks;

/// <summary>
/// <c>enroll [--patients N] [--seed S] [--keep]</c>: writes N synthetic patients as a Windows-1252 lab export, enrolls
/// them through the real enrollment code into a fresh data folder, and reports wall time, peak working set, database
/// bytes on disk and bytes per patient. Targets on 2 cores: at most 30 s and 200 bytes per patient for a million.
/// </summary>
internal static class EnrollBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var patients = IntArg(args, "--patients", 1_000_000);
        var seed = IntArg(args, "--seed", 2021);
        var root = Path.Combine(Path.GetTempPath(), "leakwatch-bench-enroll-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        try
        {
            var export = Path.Combine(root, "patients.csv");
            using var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var generation = Stopwatch.StartNew();
            LabExportWriter.WriteFile(export, SyntheticPopulation.Generate(patients, seed));
            generation.Stop();
            process.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"export: {patients:N0} patients, {new FileInfo(export).Length / 1e6:F1} MB, generated in {generation.Elapsed.TotalSeconds:F1} s (cpu {(process.TotalProcessorTime - cpu).TotalSeconds:F1} s)"));

            var options = Options.Create(new StorageOptions { DataDirectory = Path.Combine(root, "data") });
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["LEAKWATCH_KEY"] = SecretKey.Generate().ToBase64() })
                .Build();
            var database = new Database(options);
            var store = new FingerprintStore(database, TimeProvider.System);
            using var keys = new KeyProvider(Options.Create(new KeyOptions { KeyFile = Path.Combine(root, "key", "leakwatch.key") }), configuration, database, new MetaStore(database), NullLogger<KeyProvider>.Instance);
            var indexFiles = new FingerprintIndexFiles(database, NullLogger<FingerprintIndexFiles>.Instance);
            var enroller = new Enroller(store, keys, TimeProvider.System, NullLogger<Enroller>.Instance, indexFiles: indexFiles);

            process.Refresh();
            var baseline = process.PeakWorkingSet64;
            cpu = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            using (var reader = ExportReader.Open(File.OpenRead(export), new ExportFormat(), h => ColumnNames.Classify(h)))
            {
                var info = await enroller.EnrollAsync(reader, "patients.csv", null, CancellationToken.None);
                wall.Stop();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"enrolled: {info.Patients:N0} patients, {info.LinkedFingerprints:N0} linked fingerprints, {info.SetMembers:N0} set members, {info.RowsSkipped:N0} rows skipped"));
            }
            process.Refresh();

            var bytes = database.Files.Sum(f => new FileInfo(f).Length);
            var indexFile = Directory.GetFiles(Path.GetDirectoryName(database.Path)!, "fingerprints-*.index").Sum(f => new FileInfo(f).Length);
            // The machine is shared: CPU time says what the work costs when the wall clock is stretched by others.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wall time: {wall.Elapsed.TotalSeconds:F1} s (target <= 30 s); cpu time {(process.TotalProcessorTime - cpu).TotalSeconds:F1} s on {Environment.ProcessorCount} cores; load average {LoadAverage()}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"peak working set: {process.PeakWorkingSet64 / 1048576.0:F0} MiB (before enrolling: {baseline / 1048576.0:F0} MiB, generation included)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"database on disk: {bytes:N0} bytes ({string.Join(", ", database.Files.Select(Path.GetFileName))})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bytes per patient: {(double)bytes / patients:F1} (target <= 200)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"index file (built in the enrollment's time): {indexFile:N0} bytes, {(double)indexFile / patients:F1} a patient"));

            var loading = Stopwatch.StartNew();
            var snapshot = await store.LoadActiveAsync(CancellationToken.None);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load active snapshot: {loading.Elapsed.TotalSeconds:F2} s ({snapshot!.Patients.Length:N0} patients)"));
            return wall.Elapsed.TotalSeconds <= 30 && (double)bytes / patients <= 200 ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (!args.Contains("--keep")) Directory.Delete(root, recursive: true);
            else Console.WriteLine("kept " + root);
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static int IntArg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
