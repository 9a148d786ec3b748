using Dapper;
using LeakWatch.Service.Crawling.State;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Alerting;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LeakWatch.Service.Tests.Postgres;

/// <summary>`leakwatch migrate --to postgres`: a SQLite database with every kind of row, copied and verified; refusals.</summary>
public sealed class MigrateToPostgresTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly AlertingFixture _sqlite = new();

    public MigrateToPostgresTests()
    {
        // The fixture's container and the command line share one data folder and one key.
        _cli.DataDirectory = _sqlite.DataDirectory;
        _sqlite.Settings["LeakWatch:KeyFile"] = _cli.KeyFile;
        _sqlite.AddChannel("security-hook", "webhook", ("Url", "http://127.0.0.1:9/hook"), ("SecretFile", _sqlite.WriteSecretFile("hook.secret", "s3cret\n")));
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        _cli.Dispose();
    }

    [Fact]
    public async Task Migrate_SqliteWithEveryKindOfRow_CopiesThemAllAndTheServiceRunsOnTheCopy()
    {
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("key", "init")).ExitCode);
        var export = ExportFiles.Write(_cli.Root, 300, seed: 5);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("enroll", export)).ExitCode);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("canary", "create", "--system", "LIS", "--count", "3")).ExitCode);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("users", "add", "first.dpo", "--role", "dpo")).ExitCode);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("users", "add", "an.analyst", "--role", "analyst")).ExitCode);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("users", "disable", "an.analyst")).ExitCode);
        string instance;
        using (var services = _sqlite.StartService())
        {
            await services.GetRequiredService<IIncidentRecorder>().RecordAsync("forum-x", "https://forum.example/t/1", Scans.Result("dump.csv", Scans.Sha('a'), Scans.Range(1, 40)), CancellationToken.None);
            var crawl = services.GetRequiredService<CrawlStateStore>();
            await crawl.SavePageAsync("forum-x", "https://forum.example/t/1", "\"v1\"", null, Scans.Sha('a'), CancellationToken.None);
            await crawl.MarkSeenAsync("forum-x", Scans.Sha('a'), "https://forum.example/t/1", CancellationToken.None);
            await crawl.SetCursorAsync("forum-x", "thread:1", "page=3", CancellationToken.None);
            instance = Assert.Single(await AlertingFixture.QueryAsync<string>(services, "SELECT value FROM meta WHERE name = 'alerting.instance'"));
        }
        var postgres = await PostgresServer.CreateDatabaseAsync();

        var migrate = await _cli.RunAsync("migrate", "--to", "postgres", "--LeakWatch:Database:ConnectionString=" + postgres);

        Assert.True(migrate.ExitCode == ExitCodes.Success, migrate.ToString());
        foreach (var table in (string[])["enrollments", "enrollment_chunks", "incidents", "incident_patients", "alert_outbox", "crawl_pages", "crawl_seen", "crawl_cursors", "console_users", "audit_log", "canary_sets", "canary_fingerprints", "canary_members"])
        {
            Assert.Matches($"(?m)^{table}\t([1-9][0-9]*)\t\\1$", migrate.Out);
        }
        Assert.Contains("audit chain holds (3 entries)", migrate.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("test-only", migrate.Out + migrate.Error + migrate.AllLogText, StringComparison.Ordinal); // the password

        // The service on the copy: same key, same patients, same incident, same idempotency instance, the chain holds.
        _cli.Settings["LeakWatch:Database:Provider"] = "postgres";
        _cli.Settings["LeakWatch:Database:ConnectionString"] = postgres;
        var verify = await _cli.RunAsync("audit", "verify");
        Assert.True(verify.ExitCode == ExitCodes.Success, verify.ToString());
        Assert.Contains("intact: 3 entries", verify.Out, StringComparison.Ordinal);
        var users = await _cli.RunAsync("users", "list");
        Assert.Contains("first.dpo", users.Out, StringComparison.Ordinal);
        var doctor = await _cli.RunAsync("doctor");
        Assert.Matches("database +OK +PostgreSQL database 'lw_[0-9_]+' on 127.0.0.1:[0-9]+: PostgreSQL 15", doctor.Out);
        Assert.Matches("schema +OK +version [0-9]+", doctor.Out);
        Assert.Matches("enrollment +OK +300 patients", doctor.Out);
        Assert.Matches("nodes +WARN +no node has started", doctor.Out);
        Assert.DoesNotContain("test-only", doctor.Out + doctor.Error, StringComparison.Ordinal);
        using var copy = new AlertingFixture(postgres);
        copy.Settings["LeakWatch:KeyFile"] = _cli.KeyFile;
        using var onPostgres = copy.StartService();
        var snapshot = await onPostgres.GetRequiredService<FingerprintStore>().LoadActiveAsync(CancellationToken.None);
        Assert.Equal(300, snapshot!.Patients.Length);
        Assert.Equal(instance, Assert.Single(await AlertingFixture.QueryAsync<string>(onPostgres, "SELECT value FROM meta WHERE name = 'alerting.instance'")));
        Assert.Equal(40L, Assert.Single(await AlertingFixture.QueryAsync<long>(onPostgres, "SELECT patients_total FROM incidents")));
        // Identity columns continue after the copied ids.
        await onPostgres.GetRequiredService<IIncidentRecorder>().RecordAsync("forum-y", "https://other.example/x", Scans.Result("x.csv", Scans.Sha('b'), Scans.Range(500, 505)), CancellationToken.None);
        Assert.Equal([1L, 2L], await AlertingFixture.QueryAsync<long>(onPostgres, "SELECT id FROM incidents ORDER BY id"));
        Assert.Equal("page=3", await onPostgres.GetRequiredService<CrawlStateStore>().GetCursorAsync("forum-x", "thread:1", CancellationToken.None));
    }

    [Fact]
    public async Task Migrate_TargetNotEmpty_RefusesWithExitTwoAndCopiesNothing()
    {
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("key", "init")).ExitCode);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("users", "add", "first.dpo", "--role", "dpo")).ExitCode);
        var postgres = await PostgresServer.CreateDatabaseAsync();
        await using (var connection = new NpgsqlConnection(postgres))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync("CREATE TABLE something_else (id int)");
        }

        var migrate = await _cli.RunAsync("migrate", "--to", "postgres", "--LeakWatch:Database:ConnectionString=" + postgres);

        Assert.True(migrate.ExitCode == ExitCodes.BadConfiguration, migrate.ToString());
        Assert.Contains("is not empty (1 tables)", migrate.Error, StringComparison.Ordinal);
        await using var check = new NpgsqlConnection(postgres);
        await check.OpenAsync();
        Assert.Equal(0L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'console_users'"));
    }

    [Fact]
    public async Task Migrate_NoConnectionString_RefusesNamingTheSetting()
    {
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("key", "init")).ExitCode);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("users", "add", "first.dpo", "--role", "dpo")).ExitCode);

        var migrate = await _cli.RunAsync("migrate", "--to", "postgres");

        Assert.True(migrate.ExitCode == ExitCodes.BadConfiguration, migrate.ToString());
        Assert.Contains("LeakWatch:Database:ConnectionStringFile", migrate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_ConnectionStringThatDoesNotParse_RefusesWithoutEchoingThePassword()
    {
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("key", "init")).ExitCode);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("users", "add", "first.dpo", "--role", "dpo")).ExitCode);

        // An unquoted ';' in the password makes the rest a keyword Npgsql does not know, and its message quotes it.
        var migrate = await _cli.RunAsync("migrate", "--to", "postgres", "--LeakWatch:Database:ConnectionString=Host=127.0.0.1;Password=ab;hunter2secret=ef");

        Assert.True(migrate.ExitCode == ExitCodes.BadConfiguration, migrate.ToString());
        Assert.Contains("cannot be read or parsed", migrate.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2secret", migrate.Out + migrate.Error + migrate.AllLogText, StringComparison.OrdinalIgnoreCase);
    }
}
