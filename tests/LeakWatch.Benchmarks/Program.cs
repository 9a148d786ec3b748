// Whole-workload benchmarks. `dotnet run -c Release --project tests/LeakWatch.Benchmarks -- <name> [options]`.
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["enroll"] = LeakWatch.Benchmarks.EnrollBenchmark.RunAsync,
    ["scan"] = LeakWatch.Benchmarks.ScanBenchmark.RunAsync,
    ["scan-run"] = LeakWatch.Benchmarks.ScanBenchmark.RunChildAsync,
    ["extract"] = LeakWatch.Benchmarks.ExtractionBenchmark.RunAsync,
    ["load"] = LeakWatch.Benchmarks.LoadBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine("usage: LeakWatch.Benchmarks <" + string.Join('|', benchmarks.Keys) + "> [options]");
    return 2;
}
return await run(args[1..]);
