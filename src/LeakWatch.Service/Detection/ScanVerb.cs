using System.CommandLine;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Detection;

/// <summary>
/// <c>leakwatch scan PATH... [--json]</c>: for a DPO who has been sent a suspect file. Exit codes as grep:
/// 0 no match, 1 matches found, 2 error.
/// </summary>
internal static class ScanVerb
{
    public const int NoMatch = 0;
    public const int Matches = 1;
    public const int Error = 2;

    public static Command Create(IReadOnlyList<string> configArgs)
    {
        var paths = new Argument<string[]>("PATH") { Description = "Files or folders (walked recursively); archives are opened.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "One JSON object per matched patient per document, on standard output." };
        var minimum = new Option<Confidence>("--min-confidence")
        {
            Description = "Report matches of at least this confidence. Low: a bare email or phone, with nothing else of the patient.",
            DefaultValueFactory = _ => Confidence.Medium,
        };
        var command = new Command("scan", "Look for the enrolled patients in files, folders and archives (exit 0: none, 1: found, 2: error).") { paths, json, minimum };
        VerbHost.SetAction(
            command,
            configArgs,
            (parse, services, console, ct) => RunAsync(parse.GetValue(paths)!, parse.GetValue(json), parse.GetValue(minimum), services, console, ct),
            failureExitCode: Error);
        return command;
    }

    private static async Task<int> RunAsync(IReadOnlyList<string> paths, bool json, Confidence minimum, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        var scanner = services.GetRequiredService<IDocumentScanner>();
        var logger = services.GetRequiredService<ILogger<DocumentScanner>>();
        var errors = 0;
        var matched = 0;
        foreach (var file in Expand(paths, logger, ref errors))
        {
            IReadOnlyList<DocumentScanResult> results;
            try
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
                results = await scanner.ScanAsync(stream, file, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The exception's own message may quote a path only; still, the type is all the log needs.
                Log.Unreadable(logger, file, e.GetType().Name);
                await console.Error.WriteLineAsync($"leakwatch: cannot read {file}");
                errors++;
                continue;
            }
            foreach (var found in results)
            {
                var result = found with { Matches = [.. found.Matches.Where(m => m.Confidence >= minimum)] };
                if (result.Matches.Count > 0) matched++;
                if (json) MatchOutput.WriteJsonLines(console.Out, result);
                else ScanSummary.Write(console.Out, result);
            }
        }
        await console.Out.FlushAsync(cancellationToken);
        return errors > 0 ? Error : matched > 0 ? Matches : NoMatch;
    }

    private static List<string> Expand(IReadOnlyList<string> paths, ILogger logger, ref int errors)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
                files.AddRange(Directory.EnumerateFiles(path, "*", options).Order(StringComparer.Ordinal));
            }
            else
            {
                Log.Unreadable(logger, path, "no such file or folder");
                errors++;
            }
        }
        return files;
    }
}
