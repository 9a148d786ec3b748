using System.Diagnostics.Metrics;
using System.Globalization;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.Crawling;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Crawling.State;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Crawling.Support;

/// <summary>
/// The crawling feature as the service composes it (AddLeakWatch), on a temporary SQLite file, with a fake clock and
/// fakes of detection and alerting. <see cref="CrawlAsync"/> drives the fake clock while a crawl runs: it advances
/// only while no request is on the wire, from the moment the per-host gate lets it through (its metric, observed
/// synchronously) until its headers are back, so that attempt timeouts do not run out while a busy machine serves a
/// request; unless a test wants time to pass during a request (a server that never answers). That check and the step
/// are not one atomic act (a request can be let through between them, and the server then sees a later time than the
/// gate did): no assertion may depend on a request's exact time, only on order and on the gate's intervals, which run
/// from the previous answer and so hold whatever the step does.
/// </summary>
internal sealed class CrawlHarness : IAsyncDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener;

    private CrawlHarness(ServiceProvider services, string dataDirectory, FakeTimeProvider time, FakeScanner scanner, FakeRecorder recorder, InFlight inFlight)
    {
        _services = services;
        DataDirectory = dataDirectory;
        Time = time;
        Scanner = scanner;
        Recorder = recorder;
        _inFlight = inFlight;
        var meters = services.GetRequiredService<IMeterFactory>();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == HostGate.RequestsInstrument) listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) => inFlight.Enter());
        _listener.Start();
    }

    private readonly InFlight _inFlight;

    public FakeTimeProvider Time { get; }

    /// <summary>The key every harness's crawl hashes content with (one per test process: a harness never compares with another's).</summary>
    public static SecretKey Key { get; } = SecretKey.Generate();

    public FakeScanner Scanner { get; }

    public FakeRecorder Recorder { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => _services;

    public static CrawlHarness Create(IDictionary<string, string?> settings, FakeTimeProvider? time = null, string? dataDirectory = null)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "leakwatch-crawl-" + Guid.NewGuid().ToString("n"));
        var values = new Dictionary<string, string?>
        {
            ["LeakWatch:DataDirectory"] = dataDirectory,
            ["LeakWatch:Crawler:MaxRetries"] = "2",
            ["LeakWatch:Crawler:RetryDelay"] = "00:00:01",
            ["LeakWatch:Crawler:AttemptTimeout"] = "00:10:00",
            ["LeakWatch:Crawler:TotalTimeout"] = "01:00:00",
            ["LeakWatch:Crawler:BodyTimeout"] = "01:00:00",
            ["LeakWatch:Crawler:UserAgent"] = "LeakWatchTest/1.0",
            // Content hashes are keyed: the crawl needs the lab's key as the service does.
            [KeyProvider.EnvironmentVariable] = Key.ToBase64(),
        };
        foreach (var (key, value) in settings) values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));
        var scanner = new FakeScanner(new ContentHashes(new FingerprintKeys(Key)));
        var recorder = new FakeRecorder();
        var inFlight = new InFlight();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddMetrics();
        services.AddLeakWatch();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IDocumentScanner>(scanner);
        services.AddSingleton<IIncidentRecorder>(recorder);
        services.AddHttpClient(Fetcher.ClientName).AddHttpMessageHandler(() => new InFlightHandler(inFlight));
        return new CrawlHarness(services.BuildServiceProvider(), dataDirectory, time, scanner, recorder, inFlight);
    }

    /// <summary>Settings for one source at <paramref name="index"/> of LeakWatch:Sources.</summary>
    public static Dictionary<string, string?> Source(int index, string name, string kind, IEnumerable<string> urls, params (string Key, string Value)[] extra)
    {
        var at = "LeakWatch:Sources:" + index.ToString(CultureInfo.InvariantCulture) + ":";
        var settings = new Dictionary<string, string?>
        {
            [at + "Name"] = name,
            [at + "Kind"] = kind,
            [at + "RequestInterval"] = "00:00:01",
            [at + "AllowPrivateAddresses"] = "true",
        };
        var i = 0;
        foreach (var url in urls) settings[at + "Urls:" + (i++).ToString(CultureInfo.InvariantCulture)] = url;
        foreach (var (key, value) in extra) settings[at + key] = value;
        return settings;
    }

    public SourceOptions SourceOptions(string name) => _services.GetRequiredService<IOptions<SourcesOptions>>().Value.Find(name)!;

    public Task<CrawlRunResult> CrawlAsync(string source, bool advanceDuringRequests = false) =>
        DriveAsync(() => _services.GetRequiredService<SourceCrawler>().RunAsync(SourceOptions(source), null, CancellationToken.None), advanceDuringRequests);

    /// <summary>Runs <paramref name="action"/> while moving the fake clock forward in small steps.</summary>
    public async Task<T> DriveAsync<T>(Func<Task<T>> action, bool advanceDuringRequests = false)
    {
        var started = Time.GetUtcNow();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var task = Task.Run(action);
        while (!task.IsCompleted)
        {
            // A guard, not a timing: a crawl stuck on a request that never ends must fail the test, not hang it.
            if (watch.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException("the crawl made no progress for 90 s of real time");
            // A short real wait lets sockets and the database make progress; outcomes never depend on its length.
            await Task.WhenAny(task, Task.Delay(2));
            if (advanceDuringRequests || _inFlight.Count == 0) Time.Advance(Step);
            if (Time.GetUtcNow() - started > TimeSpan.FromDays(1)) throw new TimeoutException("the crawl did not finish within a day of fake time");
        }
        return await task;
    }

    public async Task<SourceHealth?> HealthAsync(string source) =>
        await _services.GetRequiredService<SourceHealthStore>().GetAsync(source, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    internal sealed class InFlight
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Enter() => Interlocked.Increment(ref _count);

        public void Leave() => Interlocked.Decrement(ref _count);
    }

    /// <summary>Innermost handler: a request entered the wire when the gate released it; it leaves with its headers.</summary>
    private sealed class InFlightHandler(InFlight inFlight) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                inFlight.Leave();
            }
        }
    }
}

internal static class RequestTimes
{
    /// <summary>The smallest gap between two consecutive requests the server saw.</summary>
    public static TimeSpan MinimumGap(this IEnumerable<SeenRequest> requests)
    {
        var times = requests.Select(r => r.At).Order().ToList();
        var min = TimeSpan.MaxValue;
        for (var i = 1; i < times.Count; i++) min = times[i] - times[i - 1] < min ? times[i] - times[i - 1] : min;
        return min;
    }
}
