using System.Diagnostics;
using System.Globalization;
using LeakWatch.Core.Extraction;
using LeakWatch.Synthetic;
using LeakWatch.Synthetic.Dumps;

namespace LeakWatch.Benchmarks;

/// <summary>
/// Extraction alone, no matching: the 2021-shaped dump (60 columns, semicolons, Windows-1252) from memory, then the
/// same rows repeated as a 2 GiB stream made while it is read, to show memory stays flat. Other shapes of the quality
/// corpus (csv with quotes, sql, json, jsonl, fhir, hl7, hprim, html, text) can be timed instead of the 2021 dump.
/// <c>extract [--rows 491840] [--gib 2] [--shape lab2021]</c>
/// </summary>
internal static class ExtractionBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        var rows = Option(args, "--rows", 491_840);
        var gib = Option(args, "--gib", 2);
        var shapeAt = Array.IndexOf(args, "--shape");
        var shape = shapeAt >= 0 && shapeAt + 1 < args.Length ? args[shapeAt + 1] : "lab2021";

        var watch = Stopwatch.StartNew();
        var dump = BuildDump(shape, rows);
        var name = "dump" + QualityDumps.Extension(shape);
        Console.WriteLine(FormattableString.Invariant($"{shape}: {rows} rows, {dump.Length / 1e6:F1} MB, built in {watch.Elapsed.TotalSeconds:F1} s"));

        for (var round = 1; round <= 3; round++)
        {
            var (summary, elapsed, cpu, fields) = Extract(new MemoryStream(dump, writable: false), name);
            Console.WriteLine(FormattableString.Invariant(
                $"round {round}: {summary.Records} records, {fields} fields, {summary.Format}/{summary.Encoding}: wall {elapsed.TotalSeconds:F2} s ({dump.Length / 1e6 / elapsed.TotalSeconds:F0} MB/s), cpu {cpu.TotalSeconds:F2} s ({dump.Length / 1e6 / cpu.TotalSeconds:F0} MB/s)"));
        }

        if (gib > 0 && shape == "lab2021")
        {
            var body = dump.AsSpan(dump.AsSpan().IndexOf((byte)'\n') + 1).ToArray();
            var header = dump.AsSpan(0, dump.Length - body.Length).ToArray();
            var total = (long)gib * 1024 * 1024 * 1024;
            GC.Collect();
            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            var (summary, elapsed, cpu, _) = Extract(new RepeatingStream(header, body, total), "big.csv");
            var info = GC.GetGCMemoryInfo();
            Console.WriteLine(FormattableString.Invariant(
                $"{gib} GiB stream: {summary.Records} records, wall {elapsed.TotalSeconds:F1} s ({total / 1e6 / elapsed.TotalSeconds:F0} MB/s), cpu {cpu.TotalSeconds:F1} s; heap after {(GC.GetTotalMemory(false) - baseline) / 1e6:F1} MB over baseline, GC heap {info.HeapSizeBytes / 1e6:F0} MB and working set {Environment.WorkingSet / 1e6:F0} MB (both hold the in-memory dump)"));
        }

        return Task.FromResult(0);
    }

    private static (ExtractionSummary Summary, TimeSpan Elapsed, TimeSpan Cpu, long Fields) Extract(Stream input, string name)
    {
        var pool = new Stack<RecordBatch>();
        long fields = 0;
        var writer = new RecordWriter(() => pool.Count > 0 ? pool.Pop() : new RecordBatch(), batch =>
        {
            for (var i = 0; i < batch.Count; i++) fields += batch[i].FieldCount;
            batch.Clear();
            pool.Push(batch);
        });
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var summary = RecordExtraction.Extract(input, name, writer, CancellationToken.None);
        writer.Flush();
        watch.Stop();
        process.Refresh();
        return (summary, watch.Elapsed, process.TotalProcessorTime - cpuBefore, fields);
    }

    private static byte[] BuildDump(string shape, int rows)
    {
        var people = SyntheticPopulation.GenerateArray(rows, seed: 2021).Select((p, i) => (p, i % 4 == 0)).ToList();
        if (shape != "lab2021") return QualityDumps.EncodingFor(shape).GetBytes(QualityDumps.Write(shape, people, seed: 2021));

        var output = new MemoryStream();
        using (var text = new StreamWriter(output, CodePagesEncoding.Windows1252, bufferSize: 1 << 16, leaveOpen: true))
        {
            LabDump2021Writer.Write(text, people, seed: 2021);
        }

        return output.ToArray();
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
