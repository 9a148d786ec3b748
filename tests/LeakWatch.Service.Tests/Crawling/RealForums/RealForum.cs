using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace LeakWatch.Service.Tests.Crawling.RealForums;

/// <summary>
/// One real forum (phpBB 3.3.15 or MyBB 1.8.37 from the project's shared fixtures) served by PHP's built-in server on a
/// free loopback port, unpacked afresh in a temporary folder, once per test class. The fixtures are found beside the
/// repository (<c>../shared/forums</c>, as CI lays them out) or in any folder above the test binaries. Without PHP the
/// tests fail with what to install: CI installs it, a skip would hide a missing forum test.
/// </summary>
public abstract class RealForum : IAsyncLifetime
{
    private readonly string _software;
    private Process? _server;

    protected RealForum(string software)
    {
        _software = software;
        Folder = Path.Combine(Path.GetTempPath(), "leakwatch-forum-" + software + "-" + Guid.NewGuid().ToString("n"));
    }

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public string Folder { get; }

    public static string SharedForums { get; } = FindSharedForums();

    public static string PatientsCsv => Path.Combine(SharedForums, "patients.csv");

    public JsonElement Truth { get; private set; }

    public async Task InitializeAsync()
    {
        if (!OnPath("php"))
        {
            throw new InvalidOperationException(
                "php is not installed: the real-forum tests need `apt-get install -y --no-install-recommends php-cli php-sqlite3 php-xml php-mbstring xz-utils` (see shared/forums/README.md; .ci/run installs them).");
        }
        using (var truth = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(SharedForums, _software + "-truth.json"))))
        {
            Truth = truth.RootElement.Clone();
        }
        var port = FreePort();
        Directory.CreateDirectory(Folder);
        var start = new ProcessStartInfo("bash", [Path.Combine(SharedForums, "serve.sh"), _software, port.ToString(System.Globalization.CultureInfo.InvariantCulture), Folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _server = Process.Start(start) ?? throw new InvalidOperationException("serve.sh did not start");
        // The request log goes to stderr: drained so that the server never blocks on a full pipe.
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var line = await _server.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"serve.sh {_software} exited (code {(_server.HasExited ? _server.ExitCode : -1)}) before it was ready");
            if (!line.StartsWith("ready ", StringComparison.Ordinal)) continue;
            BaseUrl = new Uri(line["ready ".Length..].Trim());
            break;
        }
    }

    public Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            // serve.sh execs `php -S`: its PID is the server's; its readiness watcher has already exited.
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit(TimeSpan.FromSeconds(10));
        }
        _server?.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying server: the temporary folder is cleaned by the system.
        }
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, program)));

    private static string FindSharedForums()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "forums");
            if (File.Exists(Path.Combine(candidate, "serve.sh"))) return candidate;
        }
        throw new InvalidOperationException($"shared/forums (serve.sh, the forum archives) not found in any folder above {AppContext.BaseDirectory}");
    }
}

public sealed class PhpbbForum() : RealForum("phpbb");

public sealed class MybbForum() : RealForum("mybb");
