using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Tests.Crawling.Support;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Tests.Review;

/// <summary>
/// The console as a lab runs it: a synthetic base enrolled, incidents made by a real crawl of a loopback phpBB forum
/// (a post with rows, a zip whose entry name holds a patient's name), then `leakwatch run` in process with the console
/// on a free loopback port. Tests add their own users with `leakwatch users add`.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime, IDisposable
{
    public const string Password = "correct horse battery staple";
    public const string HostileUrl = "http://127.0.0.1:9/viewtopic.php?t=<script>alert('leak')</script>&title=\"><img src=x onerror=alert(1)>";

    private readonly CliHarness _cli = new();
    private Task<CliResult>? _run;
    private IServiceProvider? _services;
    private int _users;

    public SyntheticPatient[] Base { get; } = SyntheticPopulation.GenerateArray(200, seed: 9090);

    /// <summary>The patients planted in the forum: every value of theirs must stay out of pages, the audit log and the database.</summary>
    public List<SyntheticPatient> Leaked { get; } = [];

    internal CliHarness Cli => _cli;

    /// <summary>The lab's export (plaintext), as the DPO keeps it on a workstation for `resolve`.</summary>
    public string ExportPath { get; private set; } = "";

    public Uri BaseUri { get; private set; } = null!;

    public long CrawledIncident { get; private set; }

    public long HostileIncident { get; private set; }

    /// <summary>The incident of the post with rows (the other crawled document).</summary>
    public long PostIncident { get; private set; }

    internal WebListener Listener => _services!.GetRequiredService<WebListener>();

    public async Task InitializeAsync()
    {
        var export = ExportPath = ExportFiles.Write(_cli.Root, Base);
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var enroll = await _cli.RunAsync("enroll", export);
        Assert.True(enroll.ExitCode == 0, enroll.ToString());

        await using (var server = await LoopbackServer.StartAsync(TimeProvider.System))
        {
            var site = new ForumSite("phpbb");
            site.Serve(server);
            var inPost = Base.Skip(5).Take(4).ToList();
            var inZip = Base.Skip(50).Take(12).ToList();
            Leaked.AddRange(inPost.Concat(inZip));
            var thread = site.AddThread("<script>alert('title')</script> base patients 2021");
            site.AddPost(thread, "Echantillon :<br />" + string.Join("<br />\n", Rows(inPost).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)));
            // The entry name holds a patient's name: it must show masked, never as written.
            var entry = "<b>" + inZip[0].BirthName.ToUpperInvariant() + " " + inZip[0].FirstNames + "</b>.csv";
            site.AddPost(thread, "Le reste", ("dump.zip", ForumSite.Zip(entry, Rows(inZip))));
            _cli.Settings["LeakWatch:Sources:0:Name"] = "forum-loopback";
            _cli.Settings["LeakWatch:Sources:0:Enabled"] = "true";
            _cli.Settings["LeakWatch:Sources:0:Kind"] = "forum";
            _cli.Settings["LeakWatch:Sources:0:Preset"] = "phpbb";
            _cli.Settings["LeakWatch:Sources:0:Urls:0"] = server.Url(site.BoardPath).AbsoluteUri;
            _cli.Settings["LeakWatch:Sources:0:AllowPrivateAddresses"] = "true";
            _cli.Settings["LeakWatch:Sources:0:RequestInterval"] = "00:00:00";
            _cli.Settings["LeakWatch:Crawler:MaxRetries"] = "0";
            var crawl = await _cli.RunAsync("crawl", "--once");
            Assert.True(crawl.ExitCode == 1, crawl.ToString());
        }
        // The service must not crawl the (now gone) forum again while the tests run.
        _cli.Settings["LeakWatch:Sources:0:Enabled"] = "false";
        _cli.Settings["LeakWatch:Console:Urls"] = "http://127.0.0.1:0";
        _cli.Settings["LeakWatch:Console:Organisation"] = "Laboratoire Synthétique";
        _cli.Settings["LeakWatch:Console:DpoContact"] = "dpo@lab.example";
        // Every test of the class signs in from 127.0.0.1 to this one listener: the per-address limit is tested apart.
        _cli.Settings["LeakWatch:Console:SignInAttempts"] = "10000";

        (_run, _services) = await StartRunAsync(_cli);
        BaseUri = Listener.Addresses[0];

        // A second incident through the real recorder, from a document whose URL is hostile markup.
        var recorder = _services.GetRequiredService<IIncidentRecorder>();
        var cases = _services.GetRequiredService<LeakWatch.Service.Review.CaseStore>();
        var list = await cases.ListAsync(new LeakWatch.Service.Review.IncidentFilter(null, null, null, null, null, 1), CancellationToken.None);
        // The post and the attachment are two documents, so two incidents; the attachment's shows a masked entry name.
        Assert.Equal(2, list.Items.Count);
        CrawledIncident = list.Items.Single(i => i.Incident.Url.Contains('!', StringComparison.Ordinal)).Incident.Id;
        PostIncident = list.Items.Single(i => !i.Incident.Url.Contains('!', StringComparison.Ordinal)).Incident.Id;
        var scanner = _services.GetRequiredService<LeakWatch.Service.Detection.IDocumentScanner>();
        using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Rows(Base.Skip(120).Take(3))));
        var results = await scanner.ScanAsync(content, "hostile.csv", CancellationToken.None);
        Leaked.AddRange(Base.Skip(120).Take(3));
        await recorder.RecordAsync("<script>alert('source')</script>", HostileUrl, Assert.Single(results), CancellationToken.None);
        list = await cases.ListAsync(new LeakWatch.Service.Review.IncidentFilter(null, null, null, null, null, 1), CancellationToken.None);
        HostileIncident = list.Items.Max(i => i.Incident.Id);
    }

    /// <summary>Adds a person with `leakwatch users add --password-stdin` and returns the name.</summary>
    public async Task<string> AddUserAsync(string role, string? password = null)
    {
        var name = role + "-" + Interlocked.Increment(ref _users).ToString(CultureInfo.InvariantCulture) + "x";
        _cli.StandardInput = (password ?? Password) + "\n";
        var add = await _cli.RunAsync("users", "add", name, "--role", role, "--password-stdin");
        _cli.StandardInput = null;
        Assert.True(add.ExitCode == 0, add.ToString());
        return name;
    }

    /// <summary>A new person of <paramref name="role"/>, signed in over HTTP with their one-time password changed.</summary>
    public async Task<ConsoleClient> SignedInAsync(string role)
    {
        var name = await AddUserAsync(role);
        var client = NewClient();
        var login = await client.SignInAsync(name, Password);
        Assert.Equal("/account/password", login.Headers.Location?.OriginalString.Split('?')[0]);
        var change = await client.PostFormAsync("/account/password", new() { ["current"] = Password, ["next"] = Password + " 2", ["confirm"] = Password + " 2" });
        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        return client;
    }

    public ConsoleClient NewClient() => new(BaseUri);

    public async Task DisposeAsync()
    {
        if (_services is not null) _services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        if (_run is not null) await _run;
    }

    public void Dispose() => _cli.Dispose();

    /// <summary>
    /// `key init`, one analyst (analyst.one, <see cref="Password"/>), <paramref name="signInAttempts"/> sign-in forms per
    /// client address that do not refill while a test runs, then `leakwatch run` in process.
    /// </summary>
    internal static async Task<(Task<CliResult> Run, IServiceProvider Services, Uri BaseUri)> StartWithAnalystAsync(CliHarness cli, int signInAttempts)
    {
        Assert.Equal(0, (await cli.RunAsync("key", "init")).ExitCode);
        cli.StandardInput = Password + "\n";
        var add = await cli.RunAsync("users", "add", "analyst.one", "--role", "analyst", "--password-stdin");
        cli.StandardInput = null;
        Assert.True(add.ExitCode == 0, add.ToString());
        cli.Settings["LeakWatch:Console:SignInAttempts"] = signInAttempts.ToString(CultureInfo.InvariantCulture);
        cli.Settings["LeakWatch:Console:SignInWindow"] = "01:00:00";
        var (run, services) = await StartRunAsync(cli);
        return (run, services, services.GetRequiredService<LeakWatch.Service.Hosting.WebListener>().Addresses[0]);
    }

    /// <summary>Starts `leakwatch run` in process; returns once every hosted service (the web listener too) has started.</summary>
    internal static async Task<(Task<CliResult> Run, IServiceProvider Services)> StartRunAsync(CliHarness cli, Action<IServiceCollection>? services = null)
    {
        var started = new TaskCompletionSource<IServiceProvider>(TaskCreationOptions.RunContinuationsAsynchronously);
        cli.Services = s =>
        {
            services?.Invoke(s);
            s.AddHostedService(sp => new Started(sp, started));
        };
        var run = cli.RunAsync("run");
        var provider = await Task.WhenAny(started.Task, run) == started.Task
            ? await started.Task
            : throw new InvalidOperationException("leakwatch run stopped: " + await run);
        cli.Services = null;
        return (run, provider);
    }

    internal static string Rows(IEnumerable<SyntheticPatient> patients)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        LabExportWriter.Write(writer, patients);
        return writer.ToString();
    }

    private sealed class Started(IServiceProvider services, TaskCompletionSource<IServiceProvider> started) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            // Hosted services start in order: the web listener has bound its port before this runs.
            started.TrySetResult(services);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>An HTTP client with its own cookies, that reads anti-forgery tokens from forms as a browser would.</summary>
public sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="forwardedFor">An X-Forwarded-For header on every request, as a reverse proxy in front would add.</param>
    /// <param name="forwardedProto">An X-Forwarded-Proto header on every request (https: a TLS proxy in front).</param>
    public ConsoleClient(Uri baseUri, bool acceptAnyCertificate = false, string? forwardedFor = null, string? forwardedProto = null)
    {
        Cookies = new CookieContainer();
        var handler = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false };
        // Only for the test's own self-signed certificate on loopback.
        if (acceptAnyCertificate) handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
        _http = new HttpClient(handler) { BaseAddress = baseUri };
        if (forwardedFor is not null) _http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        if (forwardedProto is not null) _http.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
    }

    public CookieContainer Cookies { get; }

    public List<string> Pages { get; } = [];

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        var response = await _http.GetAsync(path);
        Pages.Add(await response.Content.ReadAsStringAsync());
        return response;
    }

    public async Task<string> GetTextAsync(string path)
    {
        var response = await GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + " answered " + response.StatusCode);
        return Pages[^1];
    }

    public async Task<HttpResponseMessage> SignInAsync(string name, string password) =>
        await PostFormAsync("/login", new() { ["name"] = name, ["password"] = password }, tokenFrom: "/login");

    /// <summary>Posts a form with the anti-forgery token read from <paramref name="tokenFrom"/> (the page that shows the form).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields, string? tokenFrom = null, bool withToken = true)
    {
        if (withToken)
        {
            var page = await _http.GetStringAsync(tokenFrom ?? FormPage(path));
            fields[LeakWatch.Service.Review.ConsolePage.AntiforgeryField] = WebUtility.HtmlDecode(TokenPattern().Match(page).Groups[1].Value);
        }
        var response = await _http.PostAsync(path, new FormUrlEncodedContent(fields));
        Pages.Add(await response.Content.ReadAsStringAsync());
        return response;
    }

    public Task<HttpResponseMessage> PostAsync(string path, HttpContent content) => _http.PostAsync(path, content);

    private static string FormPage(string path) => path switch
    {
        _ when path.StartsWith("/incidents/", StringComparison.Ordinal) => string.Join('/', path.Split('/')[..3]),
        _ when path.StartsWith("/admin/users", StringComparison.Ordinal) => "/admin/users",
        _ => path,
    };

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public void Dispose() => _http.Dispose();
}
