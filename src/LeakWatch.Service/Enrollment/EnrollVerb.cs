using System.CommandLine;
using System.Globalization;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Enrollment;

/// <summary>
/// <c>leakwatch enroll FILE [--map kind=COLUMN ...] [--delimiter C] [--encoding NAME]</c>: replaces the enrolled
/// patients with the fingerprints of the export. Prints column names, counts and durations; never a value.
/// </summary>
internal static class EnrollVerb
{
    public static Command Create(IReadOnlyList<string> configArgs)
    {
        var export = new ExportOptions();
        var command = new Command("enroll", "Fingerprint the lab's patient export and make it the set of patients to watch for (replaces the previous one).");
        export.AddTo(command);
        VerbHost.SetAction(command, configArgs, (parse, services, console, ct) => RunAsync(export, parse, services, console, ct));
        return command;
    }

    private static async Task<int> RunAsync(ExportOptions export, ParseResult parse, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        using var reader = export.Open(parse, out var fileName);
        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Reading {fileName} ({reader.Encoding.WebName}, delimiter {Describe(reader.Delimiter)}). Columns:"));
        foreach (var line in reader.Columns.Describe()) await console.Out.WriteLineAsync(line);
        reader.Columns.RequireEnrollable();

        var time = services.GetRequiredService<TimeProvider>();
        var progress = console.Interactive ? new ProgressLine(console.Error, time) : null;
        EnrollmentInfo info;
        try
        {
            info = await services.GetRequiredService<Enroller>().EnrollAsync(reader, fileName, progress is null ? null : progress.Report, cancellationToken);
        }
        catch (IOException e)
        {
            throw new LeakWatchException($"Reading {fileName} failed midway ({e.GetType().Name}); the previous enrollment is unchanged.", e);
        }
        finally
        {
            progress?.Clear();
        }

        foreach (var line in Summary(info)) await console.Out.WriteLineAsync(line);
        return ExitCodes.Success;
    }

    internal static IEnumerable<string> Summary(EnrollmentInfo info)
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Create(c, $"Enrolled {info.Patients:N0} patients from {info.RowsRead:N0} rows in {info.Duration.TotalSeconds:F1} s.");
        yield return string.Create(c, $"  fingerprints: {info.LinkedFingerprints:N0} linked to patients, {info.SetMembers:N0} name set members");
        yield return string.Create(c, $"  rows skipped: {info.RowsSkipped:N0}");
        foreach (var (reason, count) in info.SkippedByReason.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            yield return string.Create(c, $"    {reason}: {count:N0}");
        }
        yield return "The previous enrollment, if any, was replaced.";
    }

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
