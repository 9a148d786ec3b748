using System.CommandLine;
using LeakWatch.Service.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Enrollment;

/// <summary>
/// <c>leakwatch resolve FILE [--map ...] [--delimiter C] [--encoding NAME] &lt; matches.jsonl</c>: for each JSON line with a
/// "patient" reference on standard input, prints {"patient": ..., "id": ...} with the export's identifier (null when unknown).
/// </summary>
internal static class ResolveVerb
{
    public static Command Create(VerbHost verbHost)
    {
        var export = new ExportArguments();
        var command = new Command("resolve", "Turn patient references (JSON lines on standard input, e.g. from scan --json) back into the export's identifiers, in memory.");
        export.AddTo(command);
        verbHost.SetAction(command, (parse, services, console, ct) => RunAsync(export, parse, services, console, ct));
        return command;
    }

    private static async Task<int> RunAsync(ExportArguments export, ParseResult parse, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        using var reader = export.Open(parse, out var fileName);
        if (!reader.Columns.Has(ColumnRole.Id))
        {
            reader.Columns.RequireEnrollable(); // says that the identifier column is missing
        }
        var (found, unknown) = await services.GetRequiredService<PatientResolver>()
            .ResolveAsync(reader, console.In, console.Out, console.Error, cancellationToken);
        await console.Error.WriteLineAsync($"{found} references resolved with {fileName}, {unknown} unknown.");
        return ExitCodes.Success;
    }
}
