using System.Diagnostics;
using System.Globalization;
using System.Text;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Keys;
using LeakWatch.Synthetic;
using LeakWatch.Synthetic.Dumps;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Benchmarks;

/// <summary>
/// The 2021 case: a dump of 491,840 rows of about 60 columns (semicolons, Windows-1252, upper case without accents)
/// scanned against a base of 1,000,000 enrolled patients. Prepares (base export, enrollment, dump) once in a work
/// folder, then scans in a fresh child process so that its peak memory is the scan's own.
/// <code>
/// dotnet run -c Release --project tests/LeakWatch.Benchmarks -- scan [--patients 1000000] [--rows 491840]
///     [--planted 17566] [--gigabytes 0] [--work /tmp/leakwatch-bench]
/// </code>
/// With --gigabytes N the dump is instead N GB of rows (for the memory bound on a large input).
/// </summary>
internal static class ScanBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        Directory.CreateDirectory(options.Work);
        var config = options.ConfigArgs;

        await Prepare.EnrolledBaseAsync(options.Work, options.Patients, config);
        var dump = options.Gigabytes > 0
            ? BigDump(options.Work, options.Gigabytes)
            : Dump(options.Work, options.Patients, options.Rows, options.Planted);

        // Run as `dotnet LeakWatch.Benchmarks.dll` or as the apphost: start the child the same way.
        var host = Environment.ProcessPath!;
        string[] childArgs = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? [typeof(ScanBenchmark).Assembly.Location, "scan-run", dump, .. config]
            : ["scan-run", dump, .. config];
        var child = Process.Start(new ProcessStartInfo(host, childArgs) { UseShellExecute = false })!;
        await child.WaitForExitAsync();

        Ripgrep(dump);
        return child.ExitCode;
    }

    /// <summary>The measured part, in its own process: load the index, scan the dump, report.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var dump = args[0];
        var config = args[1..];
        using var host = LeakWatchHost.CreateBuilder(config).Build();
        var scanner = host.Services.GetRequiredService<IDocumentScanner>();
        var keys = await host.Services.GetRequiredService<KeyProvider>().GetKeysAsync(CancellationToken.None);

        var load = Stopwatch.StartNew();
        await scanner.ScanAsync(new MemoryStream(Encoding.UTF8.GetBytes("warm up\n")), "warm-up.txt", CancellationToken.None);
        load.Stop();

        var scan = Stopwatch.StartNew();
        await using var stream = new FileStream(dump, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var results = await scanner.ScanAsync(stream, dump, CancellationToken.None);
        scan.Stop();

        var result = results.Single();
        var bytes = new FileInfo(dump).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"index load {load.Elapsed.TotalSeconds:F2} s; scan {scan.Elapsed.TotalSeconds:F2} s for {bytes / 1e6:F0} MB, {result.Records} records " +
            $"({bytes / 1e6 / scan.Elapsed.TotalSeconds:F0} MB/s, {result.Records / scan.Elapsed.TotalSeconds:F0} records/s); " +
            $"peak working set {Environment.WorkingSet / 1e6:F0} MB now, {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB peak"));

        var plantedFile = dump + ".planted";
        if (File.Exists(plantedFile))
        {
            using var fp = keys.CreateFingerprinter();
            var planted = File.ReadAllLines(plantedFile).Select(ipp => FingerprintRecipe.PatientRef(fp, ipp)).ToHashSet();
            // What scan reports by default: medium and high. Low (a bare email or phone) is listed apart.
            var reported = result.Matches.Where(m => m.Confidence >= Confidence.Medium).ToList();
            var right = reported.Count(m => planted.Contains(m.Patient));
            var low = result.Matches.Count(m => m.Confidence == Confidence.Low);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"planted {planted.Count}, reported {reported.Count} (medium or high), right {right}: recall {100.0 * right / planted.Count:F2} %, " +
                $"precision {100.0 * right / Math.Max(1, reported.Count):F3} %; high {reported.Count(m => m.Confidence == Confidence.High)}, " +
                $"medium {reported.Count(m => m.Confidence == Confidence.Medium)}; low, not reported by default: {low}"));
            foreach (var wrong in reported.Where(m => !planted.Contains(m.Patient)).GroupBy(m => m.Confidence + " " + string.Join('+', m.Rules)).OrderByDescending(g => g.Count()).Take(8))
            {
                Console.WriteLine($"  wrong: {wrong.Count()} x {wrong.Key}");
            }
        }
        return 0;
    }

    private static string Dump(string work, int patients, int rows, int plantedCount)
    {
        var path = Path.Combine(work, $"dump-{rows}-{plantedCount}-of-{patients}.csv");
        if (File.Exists(path)) return path;
        var watch = Stopwatch.StartNew();
        var basePatients = SyntheticPopulation.GenerateArray(patients, Prepare.BaseSeed);
        var known = QualityCorpus.IdentityKeys(basePatients);
        var random = new Random(5);
        var planted = new List<string>(plantedCount);
        var step = Math.Max(1, patients / Math.Max(1, plantedCount));
        var people = new List<(SyntheticPatient, bool)>(rows);
        for (var i = 0; i < plantedCount; i++)
        {
            var patient = basePatients[(i * step) % patients];
            planted.Add(patient.Ipp);
            people.Add((patient, patient.UsageName is not null && random.Next(2) == 0));
        }
        var strangerIndex = 0;
        while (people.Count < rows)
        {
            var stranger = SyntheticPopulation.Create(strangerIndex++, seed: 77);
            if (!QualityCorpus.Collides(known, stranger)) people.Add((stranger with { Ipp = "X" + stranger.Ipp }, random.Next(2) == 0));
        }
        for (var i = people.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (people[i], people[j]) = (people[j], people[i]);
        }
        using (var writer = new StreamWriter(path, false, CodePagesEncoding.Windows1252, 1 << 20))
        {
            LabDump2021Writer.Write(writer, people, seed: 2021);
        }
        File.WriteAllLines(path + ".planted", planted);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dump written: {rows} rows, {new FileInfo(path).Length / 1e6:F0} MB in {watch.Elapsed.TotalSeconds:F1} s"));
        return path;
    }

    private static string BigDump(string work, int gigabytes)
    {
        var path = Path.Combine(work, $"dump-{gigabytes}GB.csv");
        if (File.Exists(path)) return path;
        var target = gigabytes * 1_000_000_000L;
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new StreamWriter(stream, CodePagesEncoding.Windows1252, 1 << 20);
        var batch = 0;
        while (stream.Length < target)
        {
            var people = Enumerable.Range(batch * 10_000, 10_000).Select(i => (SyntheticPopulation.Create(i, seed: 78), false));
            LabDump2021Writer.Write(writer, people, seed: batch++);
            writer.Flush();
        }
        return path;
    }

    private static void Ripgrep(string dump)
    {
        var rg = new[] { "/usr/bin/rg", "/usr/local/bin/rg" }.FirstOrDefault(File.Exists);
        if (rg is null)
        {
            Console.WriteLine("rg not installed (apt-get install ripgrep): no floor measured");
            return;
        }
        var watch = Stopwatch.StartNew();
        var process = Process.Start(new ProcessStartInfo(rg, ["-c", "[12][0-9]{2}(0[1-9]|1[0-2])[0-9][0-9AB][0-9]{8}", dump]) { RedirectStandardOutput = true })!;
        var count = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rg -c NIR pattern: {count} lines in {watch.Elapsed.TotalSeconds:F2} s"));
    }

    private sealed record Options(int Patients, int Rows, int Planted, int Gigabytes, string Work)
    {
        public string[] ConfigArgs =>
        [
            "--LeakWatch:DataDirectory=" + Path.Combine(Work, $"data-{Patients}"),
            "--LeakWatch:KeyFile=" + Path.Combine(Work, "bench.key"),
            "--Logging:LogLevel:Default=Warning",
        ];

        public static Options Parse(string[] args)
        {
            int Int(string name, int fallback)
            {
                var at = Array.IndexOf(args, name);
                return at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
            }
            var workAt = Array.IndexOf(args, "--work");
            var work = workAt >= 0 ? args[workAt + 1] : Path.Combine(Path.GetTempPath(), "leakwatch-bench");
            return new Options(Int("--patients", 1_000_000), Int("--rows", 491_840), Int("--planted", 17_566), Int("--gigabytes", 0), work);
        }
    }
}
