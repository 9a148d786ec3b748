using System.CommandLine;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Hosting;

/// <summary><c>leakwatch run</c>: the unattended service. Runs until stopped.</summary>
internal static class RunVerb
{
    public static Command Create(IReadOnlyList<string> configArgs)
    {
        var command = new Command("run", "Run the service: scheduled crawls, detection and alerts, until stopped.");
        command.SetAction((_, ct) => RunAsync(configArgs, ct));
        return command;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> configArgs, CancellationToken cancellationToken)
    {
        var builder = LeakWatchHost.CreateBuilder(configArgs, asService: true);
        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        return 0;
    }
}
