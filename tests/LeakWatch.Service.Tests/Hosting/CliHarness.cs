using System.CommandLine;
using LeakWatch.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LeakWatch.Service.Tests.Hosting;

/// <summary>What one run of the command line left: exit code, standard output and error, every log record.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error, IReadOnlyList<FakeLogRecord> Logs)
{
    public string AllLogText => string.Join('\n', Logs.Select(l => l.Level + " " + l.Message + " " + l.Exception));

    public override string ToString() => $"exit {ExitCode}\n--- out\n{Out}\n--- error\n{Error}\n--- logs\n{AllLogText}";
}

/// <summary>
/// Runs the real `leakwatch` command line in process, against a fresh temporary folder: its own data folder and key
/// file, logs captured by a FakeLogger. Each test gets its own, so tests run in parallel.
/// </summary>
internal sealed class CliHarness : IDisposable
{
    public CliHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), "leakwatch-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Root);
        DataDirectory = Path.Combine(Root, "data");
        KeyFile = Path.Combine(Root, "keys", "leakwatch.key");
        // `run` starts the console's web listener: on a free port, so tests in parallel never fight for 5080.
        Settings["LeakWatch:Console:Urls"] = "http://127.0.0.1:0";
    }

    public string Root { get; }

    public string DataDirectory { get; set; }

    public string KeyFile { get; set; }

    public string DatabasePath => Path.Combine(DataDirectory, "leakwatch.db");

    /// <summary>The data folder's database, opened outside the pool (nothing is left open when the test ends).</summary>
    public Microsoft.Data.Sqlite.SqliteConnection OpenDatabase()
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Settings added after every other source (the environment included), e.g. LEAKWATCH_KEY.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>Extra registrations for the host, e.g. a hosted service that stops `run`.</summary>
    public Action<IServiceCollection>? Services { get; set; }

    public string? StandardInput { get; set; }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var collector = new FakeLogCollector();
        var output = new StringWriter();
        var error = new StringWriter();
        void Configure(HostApplicationBuilder builder)
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(new FakeLoggerProvider(collector));
            builder.Configuration.AddInMemoryCollection(Settings);
            Services?.Invoke(builder.Services);
        }
        var input = StandardInput is null ? TextReader.Null : new StringReader(StandardInput);
        string[] all = [.. args, "--LeakWatch:DataDirectory=" + DataDirectory, "--LeakWatch:KeyFile=" + KeyFile];
        var exit = await LeakWatchCommandLine.InvokeAsync(all, new InvocationConfiguration { Output = output, Error = error }, Configure, input);
        return new CliResult(exit, output.ToString(), error.ToString(), collector.GetSnapshot());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Stops the host as soon as it has started: lets a test run `leakwatch run` to the end deterministically.</summary>
internal sealed class StopWhenStarted(IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(lifetime.StopApplication);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Waits (60 s at most, a guard against a hang) for <paramref name="done"/>, then stops the host; running jobs finish first.</summary>
internal sealed class StopAfter(Task done, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await done.WaitAsync(TimeSpan.FromSeconds(60), stoppingToken);
        lifetime.StopApplication();
    }
}
