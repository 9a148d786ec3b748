using LeakWatch.Service.Hosting;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Service.Tests.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Tests.Operations;

/// <summary>`leakwatch run` in process, its one web listener on 127.0.0.1 and a free port, with a client on it.</summary>
internal sealed class OperationsWebHost : IAsyncDisposable
{
    private readonly Task<CliResult> _run;

    private OperationsWebHost(Task<CliResult> run, IServiceProvider services)
    {
        _run = run;
        Services = services;
        Client = new HttpClient { BaseAddress = services.GetRequiredService<WebListener>().Addresses[0] };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services { get; }

    /// <summary>Starts `run` with the harness's folders and settings (its listener on port 0).</summary>
    public static async Task<OperationsWebHost> StartAsync(CliHarness cli)
    {
        var (run, services) = await ConsoleFixture.StartRunAsync(cli);
        return new OperationsWebHost(run, services);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        var result = await _run;
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
