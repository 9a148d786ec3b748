using System.Net;
using System.Text.Json;
using LeakWatch.Service.Crawling;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using LeakWatch.Synthetic.Dumps;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Tests.Operations;

/// <summary>/healthz, /readyz and /metrics on the web listener of `leakwatch run` (in process), over a real database and key.</summary>
public sealed class HealthEndpointsTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _population = SyntheticPopulation.GenerateArray(60, seed: 1010);

    private async Task<CliHarness> EnrolledAsync()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var enroll = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, _population));
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        return _cli;
    }

    [Fact]
    public async Task Readyz_EnrolledWithTheRightKey_IsReadyAndHealthzAlive()
    {
        await using var web = await OperationsWebHost.StartAsync(await EnrolledAsync());

        var alive = await web.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var (status, ready) = await ReadyAsync(web);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Contains("\"status\":\"Healthy\"", await alive.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", Check(ready, "key"));
        Assert.Equal("Healthy", Check(ready, "database"));
        Assert.Equal("Healthy", Check(ready, "enrollment"));
        Assert.Equal("Healthy", Check(ready, "outbox"));
        Assert.Equal("Degraded", Check(ready, "sources")); // none enabled: said, not hidden
    }

    [Fact]
    public async Task Readyz_KeyFileReplacedByAnotherKey_IsUnhealthy()
    {
        await using var web = await OperationsWebHost.StartAsync(await EnrolledAsync());
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(web)).Status);

        File.Delete(_cli.KeyFile);
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var (status, ready) = await ReadyAsync(web);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", ready.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", Check(ready, "key"));
        Assert.DoesNotContain(_cli.KeyFile, ready.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_SourceFailingRunAfterRun_IsUnhealthyAndNamesIt()
    {
        var settings = (await EnrolledAsync()).Settings;
        // A port nobody listens on: every run fails.
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        settings["LeakWatch:Sources:0:Name"] = "dead-forum";
        settings["LeakWatch:Sources:0:Kind"] = "urls";
        settings["LeakWatch:Sources:0:Urls:0"] = $"http://127.0.0.1:{port}/list.txt";
        settings["LeakWatch:Sources:0:AllowPrivateAddresses"] = "true";
        settings["LeakWatch:Sources:0:RequestInterval"] = "00:00:00";
        settings["LeakWatch:Crawler:MaxRetries"] = "0";
        settings["LeakWatch:Operations:SourceFailureThreshold"] = "2";
        await using var web = await OperationsWebHost.StartAsync(_cli);
        var source = web.Services.GetRequiredService<IOptions<SourcesOptions>>().Value.Sources[0];
        var crawler = web.Services.GetRequiredService<SourceCrawler>();

        Assert.False((await crawler.RunAsync(source, null, CancellationToken.None)).Succeeded);
        var (firstStatus, firstReady) = await ReadyAsync(web);
        Assert.Equal(HttpStatusCode.OK, firstStatus); // one failure is not yet a broken source...
        Assert.Equal("Degraded", Check(firstReady, "sources")); // ...but it is said at once, not hidden until the threshold
        Assert.False((await crawler.RunAsync(source, null, CancellationToken.None)).Succeeded);
        var (status, ready) = await ReadyAsync(web);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", Check(ready, "sources"));
        Assert.Contains("dead-forum", ready.GetProperty("checks").GetProperty("sources").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterAScan_CountTheDocumentItsBytesAndItsMatchesByConfidence()
    {
        await using var web = await OperationsWebHost.StartAsync(await EnrolledAsync());
        var before = Parse(await web.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        using var dump = new MemoryStream();
        using (var writer = new StreamWriter(dump, System.Text.Encoding.Latin1, leaveOpen: true))
        {
            LabDump2021Writer.Write(writer, _population.Take(12).Select(p => (p, false)).ToList(), seed: 4);
        }
        dump.Position = 0;

        var result = Assert.Single(await web.Services.GetRequiredService<IDocumentScanner>().ScanAsync(dump, "dump.csv", CancellationToken.None));
        var after = Parse(await web.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        Assert.NotEmpty(result.Matches);
        // Other tests of this process may scan at the same time: at least this scan, never less.
        Assert.True(Value(after, "leakwatch_documents_scanned_total") >= Value(before, "leakwatch_documents_scanned_total") + 1);
        Assert.True(Value(after, "leakwatch_bytes_scanned_bytes_total") >= Value(before, "leakwatch_bytes_scanned_bytes_total") + result.Bytes);
        Assert.True(Value(after, "leakwatch_records_read_total") >= Value(before, "leakwatch_records_read_total") + result.Records);
        var high = result.Matches.Count(m => m.Confidence == Core.Matching.Confidence.High);
        Assert.True(Value(after, "leakwatch_matches_total{confidence=\"high\"}") >= Value(before, "leakwatch_matches_total{confidence=\"high\"}") + high);
        Assert.True(Value(after, "leakwatch_scan_duration_seconds_count") >= Value(before, "leakwatch_scan_duration_seconds_count") + 1);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(OperationsWebHost web)
    {
        var response = await web.Client.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static string? Check(JsonElement ready, string name) => ready.GetProperty("checks").GetProperty(name).GetProperty("status").GetString();

    /// <summary>Prometheus text: sample name with its labels (otel_scope labels dropped) to value.</summary>
    private static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var space = line.LastIndexOf(' ');
            var name = System.Text.RegularExpressions.Regex.Replace(line[..space], "otel_scope_[a-z_]+=\"[^\"]*\",?", "").Replace(",}", "}", StringComparison.Ordinal).Replace("{}", "", StringComparison.Ordinal);
            var value = line[(space + 1)..];
            samples[name] = samples.GetValueOrDefault(name) + double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        return samples;
    }

    private static double Value(Dictionary<string, double> samples, string name) => samples.GetValueOrDefault(name);

    public void Dispose() => _cli.Dispose();
}
