using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace LeakWatch.Service.Tests.Postgres;

/// <summary>
/// A real PostgreSQL server (Debian's <c>postgresql</c> package, which .ci/run installs) started once per test run in a
/// temporary folder on a free loopback port, and stopped and removed when the test process ends. initdb refuses root,
/// so under root (CI) the server runs as the package's unprivileged <c>postgres</c> user. Each test gets a database of
/// its own (<see cref="CreateDatabaseAsync"/>), so tests run in parallel without seeing each other's rows.
/// </summary>
internal sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);
    private static int _databases;

    private readonly string _root;
    private readonly string _bin;

    private PostgresServer(string root, string bin, int port)
    {
        _root = root;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The shared server, started by the first test that asks.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A new, empty database on the shared server; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = await GetAsync();
        var name = "lw_" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "_" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);
        await using (var admin = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE " + name, admin);
            await create.ExecuteNonQueryAsync();
        }
        return server.ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Database = database, Username = "postgres", Password = "test-only", Pooling = true, MaxPoolSize = 20, ConnectionIdleLifetime = 2, ConnectionPruningInterval = 1 }.ToString();

    private static async Task<PostgresServer> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending(StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (bin is null) throw new InvalidOperationException("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb); .ci/run installs Debian's postgresql package.");
        RemoveStoppedServers();
        var root = Path.Combine(Path.GetTempPath(), "leakwatch-pg-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(root);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", ["postgres:postgres", root], asPostgres: false);
        var data = Path.Combine(root, "data");
        var password = Path.Combine(root, "password");
        await File.WriteAllTextAsync(password, "test-only\n");
        if (asRoot) await RunAsync("chown", ["postgres:postgres", password], asPostgres: false);
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + password, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], asRoot);
        var port = FreePort();
        // Durability off: a test server that dies loses nothing anyone needs, and the suite runs faster.
        var settings = string.Join(' ',
            "-p", port.ToString(CultureInfo.InvariantCulture), "-k", root, "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300");
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(root, "server.log"), "-o", settings, "-w", "-t", "60", "start"], asRoot);
        var server = new PostgresServer(root, bin, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop(asRoot);
        return server;
    }

    /// <summary>
    /// The folders of servers that are no longer running (no postmaster.pid, an hour old): an earlier test process may have been
    /// ended before its exit handler finished removing its folder. A running server's folder (another run) is left.
    /// </summary>
    private static void RemoveStoppedServers()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), "leakwatch-pg-*"))
        {
            // An hour old at least: a folder another run is creating right now has no postmaster.pid yet either.
            if (File.Exists(Path.Combine(folder, "data", "postmaster.pid")) ||
                TimeProvider.System.GetUtcNow() - Directory.GetLastWriteTimeUtc(folder) < TimeSpan.FromHours(1)) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>
    /// At the test process's exit: one shell, not awaited, stops the server and removes its folder, so the removal is
    /// not cut short when the test host ends right after its exit handlers start.
    /// </summary>
    private void Stop(bool asRoot)
    {
        var stop = $"'{Path.Combine(_bin, "pg_ctl")}' -D '{Path.Combine(_root, "data")}' -m immediate -w stop >/dev/null 2>&1";
        var start = new ProcessStartInfo("sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add((asRoot ? "runuser -u postgres -- " + stop : stop) + "; rm -rf '" + _root + "'");
        Process.Start(start)?.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", program]) start.ArgumentList.Add(a);
        }
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await error} {await output}");
        }
    }
}
