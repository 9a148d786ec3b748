using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using Dapper;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Keys;
using LeakWatch.Service.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Operations;

internal enum DoctorStatus
{
    Ok,
    Warn,
    Fail,
}

/// <summary>One line of <c>leakwatch doctor</c>: what was checked, how it went, and what to do about it.</summary>
internal sealed record DoctorRow(string Check, DoctorStatus Status, string Detail, string? Fix = null);

/// <summary>
/// Checks an installation without changing it: configuration, key file, database (opened read-only), alert channels
/// (connect only, nothing sent), each enabled source's first page (one request, robots.txt honoured) and the clock.
/// </summary>
internal sealed class Doctor(IServiceProvider services)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<DoctorRow>> RunAsync(CancellationToken cancellationToken)
    {
        var rows = new List<DoctorRow>();
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            rows.Add(new DoctorRow("configuration", DoctorStatus.Ok, "every setting is valid"));
        }
        catch (Exception e) when (e is OptionsValidationException || (e is AggregateException all && all.InnerExceptions.All(i => i is OptionsValidationException)))
        {
            // One section with a bad setting throws its own exception; several, an aggregate of them.
            var failures = e is AggregateException many ? many.InnerExceptions.SelectMany(i => ((OptionsValidationException)i).Failures) : ((OptionsValidationException)e).Failures;
            rows.AddRange(failures.Distinct().Select(f => new DoctorRow("configuration", DoctorStatus.Fail, f, "fix the setting named (appsettings.json, environment or command line)")));
            // Everything below reads the settings; with a bad one the rest would only repeat it.
            return rows;
        }

        rows.Add(CheckKeyFile(services.GetRequiredService<IOptions<KeyOptions>>().Value));
        rows.AddRange(await CheckDatabaseAsync(services.GetRequiredService<IOptions<StorageOptions>>().Value, cancellationToken));
        rows.AddRange(await CheckChannelsAsync(cancellationToken));
        rows.AddRange(await CheckSourcesAsync(cancellationToken));
        return rows;
    }

    private DoctorRow CheckKeyFile(KeyOptions options)
    {
        if (!string.IsNullOrWhiteSpace(services.GetRequiredService<IConfiguration>()[KeyProvider.EnvironmentVariable]))
        {
            return new DoctorRow("key", DoctorStatus.Ok, "from the environment variable " + KeyProvider.EnvironmentVariable);
        }
        var path = options.ResolveKeyFile();
        if (!File.Exists(path))
        {
            return new DoctorRow("key", DoctorStatus.Fail, $"no key file at {path}",
                "restore the lab's key file there (or set LeakWatch:KeyFile); on a new installation `leakwatch key init` makes one");
        }
        if (!OperatingSystem.IsWindows())
        {
            var mode = (int)File.GetUnixFileMode(path) & 0x1FF;
            if ((mode & 0x3F) != 0)
            {
                return new DoctorRow("key", DoctorStatus.Fail, $"{path} is open to other users (mode {Convert.ToString(mode, 8)})", $"chmod 600 '{path}'");
            }
        }
        return new DoctorRow("key", DoctorStatus.Ok, $"{path}, readable by its owner only, outside the data folder");
    }

    private async Task<IEnumerable<DoctorRow>> CheckDatabaseAsync(StorageOptions options, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<Database>();
        if (database.IsPostgres) return await CheckServerAsync(database, cancellationToken);
        var path = options.DatabasePath;
        if (!File.Exists(path))
        {
            return [new DoctorRow("database", DoctorStatus.Warn, $"{path} does not exist yet", "`leakwatch run` or `leakwatch enroll` creates it")];
        }
        var rows = new List<DoctorRow>();
        try
        {
            var readOnly = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
            await using var connection = new SqliteConnection(readOnly);
            await connection.OpenAsync(cancellationToken);
            var integrity = await connection.ExecuteScalarAsync<string>(new CommandDefinition("PRAGMA integrity_check", cancellationToken: cancellationToken));
            rows.Add(integrity == "ok"
                ? new DoctorRow("database", DoctorStatus.Ok, $"{path}: integrity ok")
                : new DoctorRow("database", DoctorStatus.Fail, $"{path}: integrity check failed", "stop the service and restore the database from a backup"));

            rows.AddRange(await CheckContentAsync(connection, DatabaseProvider.Sqlite, cancellationToken));
        }
        catch (SqliteException e)
        {
            rows.Add(new DoctorRow("database", DoctorStatus.Fail, $"{path} cannot be read: {e.Message}", "check the file's owner and mode, and that it is a LeakWatch database"));
        }
        return rows;
    }

    /// <summary>PostgreSQL: the server answers, then the same checks as on SQLite, and the cluster's nodes.</summary>
    private async Task<IEnumerable<DoctorRow>> CheckServerAsync(Database database, CancellationToken cancellationToken)
    {
        var rows = new List<DoctorRow>();
        try
        {
            await using var connection = await database.OpenUnmigratedAsync(cancellationToken);
            var server = await connection.ExecuteScalarAsync<string>(new CommandDefinition("SHOW server_version", cancellationToken: cancellationToken));
            rows.Add(new DoctorRow("database", DoctorStatus.Ok, $"{database.Description}: PostgreSQL {server} answers"));
            var migrated = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'", cancellationToken: cancellationToken));
            if (migrated == 0)
            {
                rows.Add(new DoctorRow("schema", DoctorStatus.Warn, "the database is empty", "`leakwatch run` creates the schema, or `leakwatch migrate --to postgres` copies a SQLite database into it"));
                return rows;
            }
            rows.AddRange(await CheckContentAsync(connection, DatabaseProvider.Postgres, cancellationToken));
            rows.AddRange(await ClusterNodes.DoctorRowsAsync(connection, services, cancellationToken));
        }
        catch (DbException e)
        {
            // Npgsql's messages name the host and the cause, never the password.
            rows.Add(new DoctorRow("database", DoctorStatus.Fail, $"{database.Description} cannot be reached: {e.Message}",
                "check that the server is up, the connection string (LeakWatch:Database:ConnectionStringFile) and the account's rights"));
        }
        return rows;
    }

    private async Task<IEnumerable<DoctorRow>> CheckContentAsync(DbConnection connection, DatabaseProvider provider, CancellationToken cancellationToken)
    {
        var rows = new List<DoctorRow>();
        var version = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT max(version) FROM schema_migrations", cancellationToken: cancellationToken)) ?? 0;
        var latest = Migrator.For(provider)[^1].Version;
        rows.Add(version == latest ? new DoctorRow("schema", DoctorStatus.Ok, $"version {version}")
            : version < latest ? new DoctorRow("schema", DoctorStatus.Warn, $"version {version}, this LeakWatch brings {latest}", "the next start of the service migrates it")
            : new DoctorRow("schema", DoctorStatus.Fail, $"version {version} was written by a newer LeakWatch (this one knows {latest})", "run the newer LeakWatch"));

        rows.Add(await CheckKeyMatchAsync(cancellationToken));
        rows.Add(await CheckEnrollmentAsync(connection, cancellationToken));
        rows.Add(await CheckClockAsync(connection, cancellationToken));
        return rows;
    }

    private async Task<DoctorRow> CheckKeyMatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await services.GetRequiredService<KeyProvider>().VerifyIfPresentAsync(cancellationToken);
            return new DoctorRow("key matches database", DoctorStatus.Ok, "the configured key is the one the database was made with (or no key to compare)");
        }
        catch (LeakWatchException e)
        {
            return new DoctorRow("key matches database", DoctorStatus.Fail, e.Message, "configure the key this database was made with");
        }
    }

    private async Task<DoctorRow> CheckEnrollmentAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var active = await connection.QuerySingleOrDefaultAsync<(long Patients, string EnrolledAt)?>(new CommandDefinition(
            "SELECT patients, enrolled_at FROM enrollments WHERE state = 'active'", cancellationToken: cancellationToken));
        if (active is not { } enrollment)
        {
            return new DoctorRow("enrollment", DoctorStatus.Fail, "no patients enrolled: nothing can be matched", "`leakwatch enroll EXPORT.csv` with the lab's patient export");
        }
        var age = services.GetRequiredService<TimeProvider>().GetUtcNow() - DateTimeOffset.Parse(enrollment.EnrolledAt, CultureInfo.InvariantCulture);
        var maxAge = services.GetRequiredService<IOptions<OperationsOptions>>().Value.EnrollmentMaxAge;
        var detail = $"{enrollment.Patients} patients, enrolled {(int)age.TotalDays} days ago";
        return age > maxAge
            ? new DoctorRow("enrollment", DoctorStatus.Warn, detail, "enroll a fresh export: patients added since are not watched")
            : new DoctorRow("enrollment", DoctorStatus.Ok, detail);
    }

    /// <summary>A clock behind the latest time the database recorded went backwards: schedules and retention would misbehave.</summary>
    private async Task<DoctorRow> CheckClockAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var latest = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT max(t) FROM (SELECT max(applied_at) AS t FROM schema_migrations UNION ALL SELECT max(last_run_at) FROM source_health UNION ALL SELECT max(last_seen) FROM incidents) AS recorded",
            cancellationToken: cancellationToken));
        var detail = $"UTC {now:yyyy-MM-dd HH:mm:ss}, time zone {TimeZoneInfo.Local.Id}";
        if (latest is not null && DateTimeOffset.TryParse(latest, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var recorded) && recorded - now > TimeSpan.FromMinutes(5))
        {
            return new DoctorRow("clock", DoctorStatus.Fail, $"{detail}: behind a time the database recorded ({recorded:yyyy-MM-dd HH:mm:ss} UTC)", "set the system clock right (NTP)");
        }
        return new DoctorRow("clock", DoctorStatus.Ok, detail);
    }

    private async Task<IEnumerable<DoctorRow>> CheckChannelsAsync(CancellationToken cancellationToken)
    {
        var channels = services.GetRequiredService<IOptions<AlertingOptions>>().Value.Channels;
        if (channels.Count == 0)
        {
            return [new DoctorRow("alerts", DoctorStatus.Warn, "no alert channel configured: incidents reach nobody", "add channels under LeakWatch:Alerting:Channels")];
        }
        var rows = new List<DoctorRow>();
        foreach (var channel in channels)
        {
            string host;
            int port;
            if (channel.Kind == ChannelKind.Email)
            {
                (host, port) = (channel.SmtpHost ?? "", channel.SmtpPort);
            }
            else
            {
                Uri url;
                try
                {
                    url = ChannelSecrets.EndpointUrl(channel);
                }
                catch (Exception e) when (e is InvalidOperationException or UriFormatException or IOException or UnauthorizedAccessException)
                {
                    rows.Add(new DoctorRow($"{channel.Kind} {channel.Name}", DoctorStatus.Fail, "its URL cannot be read", "check Url, UrlFile or UrlEnvironmentVariable"));
                    continue;
                }
                (host, port) = (url.IdnHost, url.Port);
            }
            // Slack and Teams URLs are secrets: the host and port are all this prints.
            var failure = await ConnectAsync(host, port, cancellationToken);
            rows.Add(failure is null
                ? new DoctorRow($"{channel.Kind} {channel.Name}", DoctorStatus.Ok, $"{host}:{port} accepts connections (nothing sent)")
                : new DoctorRow($"{channel.Kind} {channel.Name}", DoctorStatus.Fail, $"cannot connect to {host}:{port}: {failure}",
                    channel.Kind == ChannelKind.Email ? "check SmtpHost, SmtpPort and the firewall; `leakwatch alerts test` sends a test alert" : "check the URL and the firewall; `leakwatch alerts test` sends a test alert"));
        }
        return rows;
    }

    private static async Task<string?> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode.ToString();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {ConnectTimeout.TotalSeconds} s";
        }
    }

    private async Task<IEnumerable<DoctorRow>> CheckSourcesAsync(CancellationToken cancellationToken)
    {
        var enabled = services.GetRequiredService<IOptions<SourcesOptions>>().Value.Sources.Where(s => s.Enabled).ToList();
        if (enabled.Count == 0)
        {
            return [new DoctorRow("sources", DoctorStatus.Warn, "no source enabled: nothing is crawled", "add sources under LeakWatch:Sources (examples: deploy/appsettings.example.json)")];
        }
        var fetcher = services.GetRequiredService<Fetcher>();
        var rows = new List<DoctorRow>();
        foreach (var source in enabled)
        {
            var first = new Uri(source.Urls[0], UriKind.Absolute);
            var own = source.Urls.Select(u => new Uri(u, UriKind.Absolute).IdnHost).Concat(source.AllowedHosts.Where(h => h != "*"));
            var privateHosts = source.AllowPrivateAddresses ? own.ToHashSet(StringComparer.OrdinalIgnoreCase) : [];
            var policy = new FetchPolicy(source.Name, ConnectionProfile.Create(source.Proxy, privateHosts), TimeSpan.Zero,
                !source.IgnoresRobots, !string.IsNullOrWhiteSpace(source.Proxy), privateHosts);
            var result = await fetcher.GetAsync(first, policy, cancellationToken);
            rows.Add(result.Outcome == FetchOutcome.Failed
                ? new DoctorRow($"source {source.Name}", DoctorStatus.Fail, $"{first}: {result.Failure}", "check the URL, the proxy and the firewall; `leakwatch sources` shows its history")
                : new DoctorRow($"source {source.Name}", DoctorStatus.Ok, $"{first}: HTTP {result.StatusCode}, {result.Body.Length} bytes"));
        }
        return rows;
    }
}
