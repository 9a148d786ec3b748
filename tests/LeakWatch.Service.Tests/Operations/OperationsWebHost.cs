using System.Net;
using LeakWatch.Service.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Tests.Operations;

/// <summary>
/// The service's features in a real Kestrel app on 127.0.0.1 and a free port, mapping every registered
/// <see cref="IWebEndpoints"/>, as the service's web listener does.
/// </summary>
internal sealed class OperationsWebHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OperationsWebHost(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
        Client = new HttpClient { BaseAddress = baseUri };
    }

    public Uri BaseUri { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<OperationsWebHost> StartAsync(IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLeakWatch();
        var app = builder.Build();
        foreach (var endpoints in app.Services.GetServices<IWebEndpoints>()) endpoints.Map(app);
        await app.StartAsync();
        return new OperationsWebHost(app, new Uri(app.Urls.First()));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
