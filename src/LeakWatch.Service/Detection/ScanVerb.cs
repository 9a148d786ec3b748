using System.CommandLine;
using LeakWatch.Core.Matching;
using LeakWatch.Service.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Detection;

/// <summary>
/// <c>leakwatch scan PATH... [--json] [--show-entry-names]</c>: for a DPO who has been sent a suspect file. Exit codes
/// (<see cref="ExitCodes"/>): 0 everything read, nothing found; 1 found (whatever else happened); 2 a path that does
/// not exist or another usage error; 3 something could not be read whole (refused archive, device, unreadable file)
/// and nothing was found in the rest.
/// </summary>
internal static class ScanVerb
{
    public const int NoMatch = ExitCodes.Success;
    public const int Matches = ExitCodes.Found;
    public const int Error = ExitCodes.BadConfiguration;

    public static Command Create(VerbHost verbHost)
    {
        var paths = new Argument<string[]>("PATH") { Description = "Files or folders (walked recursively); archives are opened.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "One JSON object per matched patient per document, on standard output." };
        var minimum = new Option<Confidence>("--min-confidence")
        {
            Description = "Report matches of at least this confidence. Low: a bare email or phone, with nothing else of the patient.",
            DefaultValueFactory = _ => Confidence.Medium,
        };
        var showNames = new Option<bool>("--show-entry-names")
        {
            Description = "Print the names of archive entries and of files found in folders (they may hold a patient's name); by default they are masked by a hash.",
        };
        var command = new Command("scan", "Look for the enrolled patients in files, folders and archives (exit 0: none, 1: found, 2: usage error, 3: not all read, none found).")
        {
            paths, json, minimum, showNames,
        };
        verbHost.SetAction(command,
            (parse, services, console, ct) => RunAsync(parse.GetValue(paths)!, parse.GetValue(json), parse.GetValue(minimum), parse.GetValue(showNames), services, console, ct),
            failureExitCode: Error);
        return command;
    }

    private static async Task<int> RunAsync(string[] paths, bool json, Confidence minimum, bool showNames, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        var scanner = services.GetRequiredService<IDocumentScanner>();
        var early = services.GetRequiredService<EarlyWarning.EarlySignals>();
        var logger = services.GetRequiredService<ILogger<DocumentScanner>>();
        var errors = 0;
        var partial = 0;
        var matched = 0;
        foreach (var path in paths.Where(p => !Directory.Exists(p) && !File.Exists(p)))
        {
            // Said on standard error: a usage error, not a log event, and said before the key is asked for.
            await console.Error.WriteLineAsync($"leakwatch: {path}: no such file or folder; check the path.");
            errors++;
        }
        if (errors == paths.Length) return Error;
        // Names below a folder and inside archives are masked by a keyed hash: the key is needed before any is shown.
        var names = (await services.GetRequiredService<ContentHashing>().GetAsync(cancellationToken)).Names;
        var files = Expand(paths, showNames ? null : names, out var notWalked);
        foreach (var (name, why) in notWalked)
        {
            // A folder that could not be listed, or a link not followed: what is below it was not scanned.
            Log.Unreadable(logger, name, why);
            await console.Error.WriteLineAsync(why == LinkNotFollowed
                ? $"leakwatch: {name} is a link: not followed, its target was not scanned; scan the target itself."
                : $"leakwatch: cannot list folder {name} ({why}); what is below it was not scanned: check that this account may read it.");
            partial++;
        }
        foreach (var (file, name) in files)
        {
            if (FileKinds.NotRegular(file) is { } kind)
            {
                await console.Error.WriteLineAsync($"leakwatch: {name} is {kind}, not a file: refused (it could never be read to its end, or would block). Copy its content to a file and scan that.");
                partial++;
                continue;
            }
            IReadOnlyList<DocumentScanResult> results;
            try
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
                results = await scanner.ScanAsync(stream, name, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The exception's own message may quote a path only; still, the type is all the log needs.
                Log.Unreadable(logger, name, e.GetType().Name);
                await console.Error.WriteLineAsync($"leakwatch: cannot read {name} ({e.GetType().Name}); check that it exists and that this account may read it.");
                partial++;
                continue;
            }
            foreach (var found in results)
            {
                var result = found with { Matches = [.. found.Matches.Where(m => m.Confidence >= minimum)] };
                // A canary is ours as much as a patient: the document came from the system it was planted in.
                if (result.Matches.Count > 0 || result.Canaries.Count > 0) matched++;
                if (result.Skipped is not null) partial++;
                var shown = showNames ? result.Document : names.Mask(result.Document);
                var suspicious = early.Suspicious(found);
                if (json) MatchOutput.WriteJsonLines(console.Out, result, shown, suspicious);
                else ScanSummary.Write(console.Out, result, shown, suspicious);
            }
        }
        await console.Out.FlushAsync(cancellationToken);
        if (!json && partial > 0 && matched == 0)
        {
            await console.Error.WriteLineAsync($"leakwatch: nothing found, but {partial} input(s) could not be read whole (listed above): this is not a clean result.");
        }
        return matched > 0 ? Matches : errors > 0 ? Error : partial > 0 ? ExitCodes.Partial : NoMatch;
    }

    private const string LinkNotFollowed = "link";

    /// <summary>
    /// The files to scan, each with the name it is scanned and shown under (names below a folder masked unless
    /// <paramref name="names"/> is null), and the folders that could not be listed or links that were not followed
    /// (masked the same way), with why.
    /// </summary>
    private static List<(string File, string Name)> Expand(IReadOnlyList<string> paths, DocumentNames? names, out List<(string Name, string Why)> notWalked)
    {
        var files = new List<(string, string)>();
        notWalked = [];
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = new List<string>();
                var folders = new Stack<string>();
                folders.Push(path);
                while (folders.TryPop(out var folder))
                {
                    FileSystemInfo[] entries;
                    try
                    {
                        entries = new DirectoryInfo(folder).GetFileSystemInfos();
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        notWalked.Add((Shown(path, folder), e.GetType().Name));
                        continue;
                    }
                    foreach (var entry in entries)
                    {
                        var full = Path.Combine(folder, entry.Name); // under the path as given, as shown before
                        if (entry.Attributes.HasFlag(FileAttributes.ReparsePoint)) notWalked.Add((Shown(path, full), LinkNotFollowed));
                        else if (entry is DirectoryInfo) folders.Push(full);
                        else found.Add(full);
                    }
                }
                foreach (var file in found.Order(StringComparer.Ordinal)) files.Add((file, Shown(path, file)));
            }
            else if (File.Exists(path))
            {
                files.Add((path, path));
            }
        }
        notWalked.Sort((a, b) => StringComparer.Ordinal.Compare(a.Name, b.Name));
        return files;

        string Shown(string root, string below) => names is null || below == root ? below : names.MaskBelow(root, below);
    }
}
