using System.CommandLine;
using LeakWatch.Service.CommandLine;

namespace LeakWatch.Service.Operations;

/// <summary><c>leakwatch doctor</c>: a table of OK / WARN / FAIL with what to do; exit 0 when nothing fails, 1 otherwise.</summary>
internal static class DoctorVerb
{
    /// <summary>As grep and the scanning verbs: 1 means "found" (here, a failing check), not a misuse of the verb.</summary>
    private const int SomethingFails = ExitCodes.Found;

    public static Command Create(VerbHost verbHost)
    {
        var command = new Command("doctor", "Check the configuration, key, database, alert channels, sources and clock; change nothing.");
        command.SetAction((parse, ct) => RunAsync(verbHost, parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(VerbHost verbHost, ParseResult parse, CancellationToken cancellationToken)
    {
        var console = verbHost.Console(parse);
        IReadOnlyList<DoctorRow> rows;
        try
        {
            // Not VerbHost: a bad setting or a wrong key is a row of the table here, not the end of the verb.
            using var host = verbHost.CreateBuilder().Build();
            rows = await new Doctor(host.Services).RunAsync(cancellationToken);
        }
        catch (Exception e) when (verbHost.Describe(e) is { } failure)
        {
            rows = [new DoctorRow("configuration", DoctorStatus.Fail, failure.Message, "fix the setting named")];
        }

        var width = Math.Max(5, rows.Max(r => r.Check.Length)) + 2;
        await console.Out.WriteLineAsync("CHECK".PadRight(width) + "STATUS  DETAIL");
        foreach (var row in rows)
        {
            var status = row.Status switch { DoctorStatus.Ok => "OK", DoctorStatus.Warn => "WARN", _ => "FAIL" };
            await console.Out.WriteLineAsync(row.Check.PadRight(width) + status.PadRight(8) + row.Detail);
            if (row.Fix is not null && row.Status != DoctorStatus.Ok) await console.Out.WriteLineAsync(new string(' ', width + 8) + "-> " + row.Fix);
        }
        var failed = rows.Count(r => r.Status == DoctorStatus.Fail);
        var warned = rows.Count(r => r.Status == DoctorStatus.Warn);
        await console.Out.WriteLineAsync(failed == 0 ? $"No failure ({warned} warnings)." : $"{failed} failures, {warned} warnings.");
        return failed == 0 ? ExitCodes.Success : SomethingFails;
    }
}
