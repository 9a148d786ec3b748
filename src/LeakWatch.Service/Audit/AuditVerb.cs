using System.CommandLine;
using LeakWatch.Service.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Audit;

/// <summary><c>leakwatch audit verify</c>: 0 when the chain holds, 1 naming the first broken entry.</summary>
internal static class AuditVerb
{
    public static Command Create(VerbHost verbHost)
    {
        var verify = new Command("verify", "Check that no audit entry was edited or deleted (exit 0: the chain holds, 1: it is broken, naming the first broken entry).");
        verbHost.SetAction(verify, (_, services, console, ct) => VerifyAsync(services, console, ct));
        var audit = new Command("audit", "The console's append-only audit log.");
        audit.Subcommands.Add(verify);
        return audit;
    }

    private static async Task<int> VerifyAsync(IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        var result = await services.GetRequiredService<AuditLog>().VerifyAsync(cancellationToken);
        if (result.BrokenId is null)
        {
            await console.Out.WriteLineAsync($"audit log intact: {result.Entries} entries, every one chained to the one before.");
            return ExitCodes.Success;
        }
        await console.Out.WriteLineAsync($"audit log BROKEN at entry {result.BrokenId}: {result.Reason}. {result.Entries} entries before it hold.");
        return ExitCodes.Failure;
    }
}
