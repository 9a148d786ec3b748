using System.CommandLine;
using System.Globalization;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Enrollment;

/// <summary>
/// <c>leakwatch enroll FILE [--map kind=COLUMN ...] [--delimiter C] [--encoding NAME] [--force]</c>: replaces the enrolled
/// patients with the fingerprints of the export, unless the export would silently shrink the watched base (see
/// <see cref="EnrollmentOptions"/>). Prints column names, counts, line numbers and durations; never a value.
/// Exit 0: enrolled, every row read; 3: enrolled, but some rows could not be read (listed); 2: refused or failed,
/// the active enrollment unchanged.
/// </summary>
internal static class EnrollVerb
{
    public static Command Create(VerbHost verbHost)
    {
        var export = new ExportArguments();
        var force = new Option<bool>("--force")
        {
            Description = "Accept an export that would be refused: one with no patient, far fewer patients than the active enrollment, or too many rows skipped.",
        };
        var command = new Command("enroll", "Fingerprint the lab's patient export and make it the set of patients to watch for (replaces the previous one).");
        export.AddTo(command);
        command.Options.Add(force);
        verbHost.SetAction(command, (parse, services, console, ct) => RunAsync(export, parse.GetValue(force), parse, services, console, ct));
        return command;
    }

    private static async Task<int> RunAsync(ExportArguments export, bool force, ParseResult parse, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        using var reader = export.Open(parse, out var fileName);
        var encoding = reader.EncodingName;
        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Reading {fileName} ({encoding}, delimiter {Describe(reader.Delimiter)}). Columns:"));
        foreach (var line in reader.Columns.Describe()) await console.Out.WriteLineAsync(line);
        reader.Columns.RequireEnrollable();

        var time = services.GetRequiredService<TimeProvider>();
        var progress = console.Interactive ? new ProgressLine(console.Error, time) : null;
        EnrollmentInfo info;
        try
        {
            info = await services.GetRequiredService<Enroller>().EnrollAsync(reader, fileName, progress is null ? null : progress.Report, cancellationToken, force);
        }
        catch (EnrollmentRefusedException refused)
        {
            progress?.Clear();
            foreach (var line in Skipped(reader.RowsRead, refused.SkippedByReason, reader.Problems)) await console.Out.WriteLineAsync(line);
            throw;
        }
        catch (IOException e) when (!StorageFailure.IsDiskFull(e))
        {
            throw new LeakWatchException($"Reading {fileName} failed midway ({e.GetType().Name}); the previous enrollment is unchanged.", e);
        }
        finally
        {
            progress?.Clear();
        }

        if (reader.EncodingName != encoding)
        {
            // The head was all ASCII: the encoding was chosen at the first other byte, further on.
            await console.Out.WriteLineAsync($"Read as {reader.EncodingName} (chosen at the first non-ASCII byte, past the head of the file).");
        }
        foreach (var line in Summary(info, reader.Problems)) await console.Out.WriteLineAsync(line);
        // Enrolled, but not all of the export: a script must not take it for a clean run.
        return reader.Problems.SkippedRows > 0 || reader.Problems.InvalidSequences > 0 ? ExitCodes.Partial : ExitCodes.Success;
    }

    internal static IEnumerable<string> Summary(EnrollmentInfo info, ReadProblems problems)
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Create(c, $"Enrolled {info.DistinctPatients:N0} patients from {info.RowsRead:N0} rows in {info.Duration.TotalSeconds:F1} s.");
        if (info.DuplicateRows > 0)
        {
            yield return string.Create(c, $"  duplicate identifiers: {info.DuplicateRows:N0} rows repeat an identifier of an earlier row; each identifier is one patient, with the fingerprints of all its rows");
        }
        yield return string.Create(c, $"  fingerprints: {info.LinkedFingerprints:N0} linked to patients, {info.SetMembers:N0} name set members");
        foreach (var line in Skipped(info.RowsRead, info.SkippedByReason, problems)) yield return line;
        foreach (var line in info.Notes ?? []) yield return line;
        yield return "The previous enrollment, if any, was replaced.";
    }

    /// <summary>Rows skipped by reason, the line numbers of unreadable rows and of invalid bytes: never a value.</summary>
    private static IEnumerable<string> Skipped(long rowsRead, IReadOnlyDictionary<string, long> skippedByReason, ReadProblems problems)
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Create(c, $"  rows skipped: {skippedByReason.Values.Sum():N0} of {rowsRead:N0}");
        foreach (var (reason, count) in skippedByReason.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            var lines = problems.Skipped.TryGetValue(reason, out var unreadable) ? " (" + Lines(unreadable.Count, unreadable.Lines) + ")" : "";
            yield return string.Create(c, $"    {reason}: {count:N0}{lines}");
        }
        if (problems.InvalidSequences > 0)
        {
            var where = Lines(problems.InvalidLines, problems.InvalidLineNumbers);
            yield return string.Create(c, $"  invalid bytes: {problems.InvalidSequences:N0} byte sequences that are not UTF-8, read as U+FFFD ({where}); if the export is not UTF-8, enroll it again with --encoding (e.g. --encoding windows-1252)");
        }
    }

    private static string Lines(long count, IReadOnlyList<long> lines) =>
        (count == 1 ? "line " : "lines ") + string.Join(", ", lines.Select(l => l.ToString(CultureInfo.InvariantCulture))) + (count > lines.Count ? string.Create(CultureInfo.InvariantCulture, $" and {count - lines.Count:N0} more") : "");

    private static string Describe(char delimiter) => delimiter switch
    {
        '\t' => "tab",
        _ => "'" + delimiter + "'",
    };

    /// <summary>A progress line redrawn in place on a terminal, at most four times a second.</summary>
    private sealed class ProgressLine
    {
        private readonly TextWriter _error;
        private readonly TimeProvider _time;
        private readonly long _started;
        private long _lastDrawn;

        public ProgressLine(TextWriter error, TimeProvider time)
        {
            _error = error;
            _time = time;
            _started = time.GetTimestamp();
            _lastDrawn = _started;
        }

        public void Report(long rows)
        {
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_lastDrawn, now) < TimeSpan.FromMilliseconds(250)) return;
            _lastDrawn = now;
            var seconds = Math.Max(_time.GetElapsedTime(_started, now).TotalSeconds, 0.001);
            _error.Write(string.Create(CultureInfo.InvariantCulture, $"\r  {rows:N0} rows read ({rows / seconds:N0} rows/s)   "));
            _error.Flush();
        }

        public void Clear()
        {
            _error.Write("\r" + new string(' ', 60) + "\r");
            _error.Flush();
        }
    }
}
