using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Service.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Tests.Review;

/// <summary>The one web listener of `leakwatch run`: other features' endpoints, the console switched off, HTTPS with HSTS.</summary>
public sealed class WebListenerTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Listener_AnotherFeaturesEndpoints_AnonymousOnlyWhenTheyOptOut()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var (run, services) = await ConsoleFixture.StartRunAsync(_cli, s => s.AddSingleton<IWebEndpoints, ProbeEndpoints>());
        try
        {
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = services.GetRequiredService<WebListener>().Addresses[0] };
            var open = await http.GetAsync("/probe/healthz");
            var closed = await http.GetAsync("/probe/secret");

            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
            Assert.Equal("alive", await open.Content.ReadAsStringAsync());
            Assert.Equal("nosniff", open.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/login")).StatusCode);
        }
        finally
        {
            services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            Assert.Equal(0, (await run).ExitCode);
        }
    }

    [Fact]
    public async Task Listener_ConsoleDisabled_StillServesHealthAndMetricsButNoConsole()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        _cli.Settings["LeakWatch:Console:Enabled"] = "false";
        var (run, services) = await ConsoleFixture.StartRunAsync(_cli);
        try
        {
            using var http = new HttpClient { BaseAddress = services.GetRequiredService<WebListener>().Addresses[0] };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/login")).StatusCode);
        }
        finally
        {
            services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            await run;
        }
    }

    [Fact]
    public async Task Listener_ConsoleDisabledWithOtherEndpoints_ServesThemButNoConsole()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        _cli.Settings["LeakWatch:Console:Enabled"] = "false";
        var (run, services) = await ConsoleFixture.StartRunAsync(_cli, s => s.AddSingleton<IWebEndpoints, ProbeEndpoints>());
        try
        {
            using var http = new HttpClient { BaseAddress = services.GetRequiredService<WebListener>().Addresses[0] };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/probe/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/login")).StatusCode);
        }
        finally
        {
            services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            await run;
        }
    }

    [Fact]
    public async Task Listener_WithCertificate_ServesHttpsWithHstsAndSecureHostCookies()
    {
        var pfx = Path.Combine(_cli.Root, "console.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx));
        }
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        _cli.StandardInput = ConsoleFixture.Password + "\n";
        Assert.Equal(0, (await _cli.RunAsync("users", "add", "tls.dpo", "--role", "dpo", "--password-stdin")).ExitCode);
        _cli.Settings["LeakWatch:Console:Urls"] = "https://127.0.0.1:0";
        _cli.Settings["LeakWatch:Console:CertificateFile"] = pfx;
        var (run, services) = await ConsoleFixture.StartRunAsync(_cli);
        try
        {
            var baseUri = services.GetRequiredService<WebListener>().Addresses[0];
            Assert.Equal("https", baseUri.Scheme);
            using var client = new ConsoleClient(baseUri, acceptAnyCertificate: true);
            var login = await client.GetAsync("/login");
            var signIn = await client.SignInAsync("tls.dpo", ConsoleFixture.Password);

            Assert.StartsWith("max-age=31536000", login.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
            Assert.Contains("secure", login.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
            var session = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-leakwatch-session=", StringComparison.Ordinal));
            Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/", session, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            await run;
        }
    }

    [Fact]
    public async Task Run_HttpsUrlWithoutCertificate_StopsWithTheSettingNamed()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        _cli.Settings["LeakWatch:Console:Urls"] = "https://127.0.0.1:0";

        var run = await _cli.RunAsync("run");

        Assert.Equal(ExitCodes.BadConfiguration, run.ExitCode);
        Assert.Contains("LeakWatch:Console:CertificateFile is not set", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();

    /// <summary>What the operations feature registers: a health probe open to all, and a route that is not.</summary>
    private sealed class ProbeEndpoints : IWebEndpoints
    {
        public void Map(IEndpointRouteBuilder endpoints)
        {
            endpoints.MapGet("/probe/healthz", () => Results.Text("alive")).AllowAnonymous();
            endpoints.MapGet("/probe/secret", () => Results.Text("secret"));
        }
    }
}
