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
/// The 2021 case: dumps of 491,840 rows of about 60 columns (semicolons, Windows-1252, upper case without accents)
/// scanned against a base of 1,000,000 enrolled patients. Prepares (base export, enrollment, dumps) once in a work
/// folder, then scans each case in a fresh child process, so that its time, CPU and peak memory are the whole
/// process's own (start, index load, scan, exit), and prints one table.
/// <code>
/// dotnet run -c Release --project tests/LeakWatch.Benchmarks -- scan [--cases repeated,codes,comments,2gb] [--repeat 2]
///     [--patients 1000000] [--rows 491840] [--planted 17566] [--work /tmp/leakwatch-bench]
/// </code>
/// Cases: <c>repeated</c> (the extra columns hold exams and results from short lists), <c>codes</c> (they hold unique
/// 4-8 character barcodes and accession numbers under headers the scanner does not know), <c>comments</c> (a French
/// free-text comment column of medical words), <c>2gb</c> (2 GB of unique-code rows, for the memory bound).
/// </summary>
internal static class ScanBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        Directory.CreateDirectory(options.Work);
        var config = options.ConfigArgs;

        await Prepare.EnrolledBaseAsync(options.Work, options.Patients, config);
        var rows = new List<string>();
        foreach (var name in options.Cases)
        {
            var dump = name switch
            {
                "repeated" => Dump(options.Work, options.Patients, options.Rows, options.Planted, LabDump2021Shape.Repeated),
                "codes" => Dump(options.Work, options.Patients, options.Rows, options.Planted, LabDump2021Shape.UniqueCodes),
                "comments" => Dump(options.Work, options.Patients, options.Rows, options.Planted, LabDump2021Shape.Comments),
                "2gb" => BigDump(options.Work, 2),
                _ => throw new ArgumentException("unknown case " + name + " (repeated, codes, comments, 2gb)"),
            };
            ReadOnce(dump);
            for (var run = 1; run <= options.Repeat; run++)
            {
                var row = await RunCaseAsync(dump, config);
                if (row is null) return 1;
                rows.Add(string.Create(CultureInfo.InvariantCulture, $"| {name} | {run} | {new FileInfo(dump).Length / 1e6:F0} | {row}"));
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Patients:N0} patients enrolled, {Environment.ProcessorCount} cores; whole process = start, index load, scan, exit"));
        // Peak working set counts the index file's mapped pages (page cache, shared, reclaimable); anonymous is the process's own.
        Console.WriteLine("| case | run | MB | wall s | CPU s (user+sys) | CPU s per 100 MB | peak working set MB | peak anonymous MB | index load s | scan s | records | recall % | precision % | load avg |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row);
        if (options.Cases.Contains("repeated")) Ripgrep(Dump(options.Work, options.Patients, options.Rows, options.Planted, LabDump2021Shape.Repeated));
        return 0;
    }

    /// <summary>
    /// Reads the dump once before its timed runs, so that the first run measures the scan and not the disk: a dump not
    /// read for a while may have left the page cache, and a cold read of 240 MB took 16 s on the development machine.
    /// </summary>
    private static void ReadOnce(string dump)
    {
        var buffer = new byte[1 << 20];
        using var stream = new FileStream(dump, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        while (stream.Read(buffer) > 0)
        {
        }
    }

    /// <summary>Runs one scan in a child process; returns the table row's measured cells.</summary>
    private static async Task<string?> RunCaseAsync(string dump, string[] config)
    {
        // Run as `dotnet LeakWatch.Benchmarks.dll` or as the apphost: start the child the same way.
        var host = Environment.ProcessPath!;
        string[] childArgs = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? [typeof(ScanBenchmark).Assembly.Location, "scan-run", dump, .. config]
            : ["scan-run", dump, .. config];
        var wall = Stopwatch.StartNew();
        using var child = Process.Start(new ProcessStartInfo(host, childArgs) { UseShellExecute = false, RedirectStandardOutput = true })!;
        string? result = null;
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            Console.WriteLine(line);
            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal)) result = line[ResultPrefix.Length..];
        }
        await child.WaitForExitAsync();
        wall.Stop();
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        if (child.ExitCode != 0 || result is null)
        {
            Console.Error.WriteLine("scan child failed with exit code " + child.ExitCode);
            return null;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{wall.Elapsed.TotalSeconds:F2} | {result} | {load} |");
    }

    private const string ResultPrefix = "RESULT ";

    /// <summary>The measured part, in its own process: load the index, scan the dump, report.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var dump = args[0];
        var config = args[1..];
        // Where the whole process's time goes before the scan: the runtime's start, then the host and the key.
        using (var self = Process.GetCurrentProcess())
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"runtime start to Main: {(TimeProvider.System.GetUtcNow() - self.StartTime.ToUniversalTime()).TotalSeconds:F2} s"));
        }
        var startup = Stopwatch.StartNew();
        using var anonymous = new Memory.PeakSampler();
        using var host = LeakWatchHost.CreateBuilder(config).Build();
        var built = startup.Elapsed.TotalSeconds;
        var scanner = host.Services.GetRequiredService<IDocumentScanner>();
        var resolved = startup.Elapsed.TotalSeconds;
        var keys = await host.Services.GetRequiredService<KeyProvider>().GetKeysAsync(CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"host built {built:F2} s, scanner resolved {resolved - built:F2} s, key read {startup.Elapsed.TotalSeconds - resolved:F2} s"));

        var load = Stopwatch.StartNew();
        await scanner.ScanAsync(new MemoryStream(Encoding.UTF8.GetBytes("warm up\n")), "warm-up.txt", CancellationToken.None);
        load.Stop();
        using (var loaded = Process.GetCurrentProcess())
        {
            Console.WriteLine("after index load: " + Memory.Describe());
        }

        var scan = Stopwatch.StartNew();
        await using var stream = new FileStream(dump, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var results = await scanner.ScanAsync(stream, dump, CancellationToken.None);
        scan.Stop();

        var result = results.Single();
        var bytes = new FileInfo(dump).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"index load {load.Elapsed.TotalSeconds:F2} s; scan {scan.Elapsed.TotalSeconds:F2} s for {bytes / 1e6:F0} MB, {result.Records} records " +
            $"({bytes / 1e6 / scan.Elapsed.TotalSeconds:F0} MB/s, {result.Records / scan.Elapsed.TotalSeconds:F0} records/s)"));

        string recall = "n/a", precision = "n/a";
        var plantedFile = dump + ".planted";
        if (File.Exists(plantedFile))
        {
            using var fp = keys.CreateFingerprinter();
            var planted = File.ReadAllLines(plantedFile).Select(ipp => FingerprintRecipe.PatientRef(fp, ipp)).ToHashSet();
            // What scan reports by default: medium and high. Low (a bare email or phone) is listed apart.
            var reported = result.Matches.Where(m => m.Confidence >= Confidence.Medium).ToList();
            var right = reported.Count(m => planted.Contains(m.Patient));
            var low = result.Matches.Count(m => m.Confidence == Confidence.Low);
            recall = (100.0 * right / planted.Count).ToString("F2", CultureInfo.InvariantCulture);
            precision = (100.0 * right / Math.Max(1, reported.Count)).ToString("F3", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"planted {planted.Count}, reported {reported.Count} (medium or high), right {right}: recall {recall} %, " +
                $"precision {precision} %; high {reported.Count(m => m.Confidence == Confidence.High)}, " +
                $"medium {reported.Count(m => m.Confidence == Confidence.Medium)}; low, not reported by default: {low}"));
            foreach (var wrong in reported.Where(m => !planted.Contains(m.Patient)).GroupBy(m => m.Confidence + " " + string.Join('+', m.Rules.Names())).OrderByDescending(g => g.Count()).Take(8))
            {
                Console.WriteLine($"  wrong: {wrong.Count()} x {wrong.Key}");
            }
        }

        // Which GC settings the runtime really applied (runtimeconfig.json or DOTNET_ variables), so a run shows them.
        var gc = GC.GetConfigurationVariables();
        Console.WriteLine("GC: " + string.Join(", ", new[] { "ConcurrentGC", "GCConserveMem", "GCGen0MaxBudget", "GCgen0size", "RetainVM" }
            .Select(name => name + "=" + (gc.TryGetValue(name, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : "default"))));

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime.TotalSeconds;
        Console.WriteLine("after the scan: " + Memory.Describe());
        // Cells: CPU s (user+sys) | CPU s per 100 MB | peak working set MB | peak anonymous MB | index load s | scan s | records | recall | precision
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ResultPrefix}{cpu:F2} | {cpu / (bytes / 1e8):F2} | {process.PeakWorkingSet64 / 1e6:F0} | {anonymous.Peak / 1e3:F0} | {load.Elapsed.TotalSeconds:F2} | {scan.Elapsed.TotalSeconds:F2} | {result.Records} | {recall} | {precision}"));
        return 0;
    }

    private static string Dump(string work, int patients, int rows, int plantedCount, LabDump2021Shape shape)
    {
        var path = Path.Combine(work, $"dump-{shape}-{rows}-{plantedCount}-of-{patients}.csv");
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
            LabDump2021Writer.Write(writer, people, seed: 2021, shape);
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
            // The writer writes a header each time: later ones are rows of strangers' text, as in a concatenated dump.
            LabDump2021Writer.Write(writer, people, seed: batch++, LabDump2021Shape.UniqueCodes);
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

    private sealed record Options(int Patients, int Rows, int Planted, string[] Cases, int Repeat, string Work)
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
            var casesAt = Array.IndexOf(args, "--cases");
            var cases = (casesAt >= 0 ? args[casesAt + 1] : "repeated,codes,comments,2gb").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new Options(Int("--patients", 1_000_000), Int("--rows", 491_840), Int("--planted", 17_566), cases, Int("--repeat", 2), work);
        }
    }
}
