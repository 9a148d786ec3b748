using System.Data;
using System.Data.Common;
using LeakWatch.Service.CommandLine;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeakWatch.Service.Storage;

/// <summary>
/// The one connection factory. With the default provider it opens the one SQLite file under the data folder; with
/// <c>LeakWatch:Database:Provider=postgres</c> it opens pooled connections to a PostgreSQL database that several nodes
/// share (each provider has its own versioned migrations, <see cref="Migrator"/>). For SQLite: The first open creates the folder and the file,
/// applies the schema migrations that are missing and removes what an enrollment that died (killed, disk full) left
/// behind; every connection runs in WAL mode with foreign keys on. An up-to-date database with nothing to clean is
/// opened without writing, so the verbs that only read work on a full disk.
/// </summary>
internal sealed class Database : IDisposable
{
    private const string CountLeftovers = "SELECT count(*) FROM enrollments WHERE state = 'building'";
    private const string DeleteLeftovers = "DELETE FROM enrollments WHERE state = 'building'";

    // Any constant shared by every node: the PostgreSQL advisory locks of enrollment and of the migrations.
    private const long EnrollmentLockKey = 0x4C57_454E_524F_4C4C; // "LWENROLL"
    private const long MigrationLockKey = 0x4C57_4D49_4752_4154; // "LWMIGRAT"
    private const long WriterLockKey = 0x4C57_5752_4954_4552; // "LWWRITER"

    private readonly string _connectionString;
    private readonly Lazy<Task> _prepared;
    private readonly string _pragmas = "";
    private readonly NpgsqlDataSource? _postgres;

    // Advisory locks are held on sessions of their own, outside the pool (ServerLock).
    private readonly NpgsqlDataSource? _postgresLocks;

    public Database(IOptions<StorageOptions> options, IOptions<DatabaseOptions>? database = null)
    {
        Path = options.Value.DatabasePath;
        _prepared = new Lazy<Task>(PrepareAsync);
        var settings = database?.Value ?? new DatabaseOptions();
        Provider = settings.ParsedProvider;
        if (Provider == DatabaseProvider.Postgres)
        {
            _connectionString = settings.ResolveConnectionString();
            var builder = new NpgsqlConnectionStringBuilder(_connectionString);
            Description = "PostgreSQL database '" + builder.Database + "' on " + builder.Host + (builder.Port != 5432 ? ":" + builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
            _postgres = NpgsqlDataSource.Create(_connectionString);
            _postgresLocks = NpgsqlDataSource.Create(ServerLock.Unpooled(_connectionString));
            return;
        }
        Description = Path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        // auto_vacuum is set on a new file only (StartNewFileAsync).
        // busy_timeout: the service and a verb may share the file; a writer waits instead of failing.
        // secure_delete=FAST: what a write replaces or deletes is zeroed in the pages it rewrites anyway, so that a value
        // replaced (a bare hash re-keyed, a purged row) does not linger in the file's free space.
        // On a database that already has them, none of these writes anything or waits for another process's writer.
        _pragmas = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=FAST;";
        if (options.Value.MaxDatabaseMegabytes > 0)
        {
            // Pages of 4 KiB (SQLite's default): past the ceiling SQLite answers SQLITE_FULL, as a full disk does.
            _pragmas += " PRAGMA max_page_count=" + (options.Value.MaxDatabaseMegabytes * 256L).ToString(System.Globalization.CultureInfo.InvariantCulture) + ";";
        }
    }

    /// <summary>The SQLite file (the data folder's leakwatch.db); unused with PostgreSQL.</summary>
    public string Path { get; }

    public DatabaseProvider Provider { get; }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>Where the data is, for messages: the SQLite file, or the PostgreSQL database and host (never the password).</summary>
    public string Description { get; }

    /// <summary>Quartz's data source: the same database, pooled apart.</summary>
    public DbDataSource CreateDataSource() =>
        IsPostgres ? NpgsqlDataSource.Create(_connectionString) : SqliteFactory.Instance.CreateDataSource(_connectionString);

    /// <summary>True once the SQLite file exists (checking it creates nothing); a PostgreSQL server is always there.</summary>
    public bool Exists => IsPostgres || File.Exists(Path);

    /// <summary>The database file and its WAL companions, for size reports and for tests that scan every byte at rest.</summary>
    public IEnumerable<string> Files => IsPostgres ? [] : new[] { Path, Path + "-wal", Path + "-shm" }.Where(File.Exists);

    /// <summary>The same statement in each dialect, where they differ (upserts of old SQLite forms, temp tables, time).</summary>
    public string Sql(string sqlite, string postgres) => IsPostgres ? postgres : sqlite;

    /// <summary>
    /// A write transaction that is the only writer of the database while it lives, as SQLite's (IMMEDIATE) is: on
    /// PostgreSQL a transaction-scoped advisory lock shared by every node, so that chained rows (the audit log) and
    /// read-then-write decisions (which incident a document belongs to) never interleave between nodes.
    /// </summary>
    public static async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (connection is SqliteConnection sqlite) return sqlite.BeginTransaction(deferred: false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_advisory_xact_lock(" + WriterLockKey.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    /// <summary>
    /// A read transaction that sees one state of the database: SQLite's deferred transaction (it takes no write lock),
    /// PostgreSQL's repeatable read (one snapshot).
    /// </summary>
    public static async Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>Held by the process that builds an enrollment; while it is held, a 'building' enrollment is alive.</summary>
    private string EnrollmentLockPath => Path + ".lock";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        await _prepared.Value;
        return await OpenRawAsync(cancellationToken);
    }

    /// <summary>A connection with no migration applied first: for <c>migrate --to postgres</c>, which wants an empty database.</summary>
    public async Task<DbConnection> OpenUnmigratedAsync(CancellationToken cancellationToken) => await OpenRawAsync(cancellationToken);

    /// <summary>Applies the migrations now (the first open does it anyway).</summary>
    public Task MigrateAsync() => _prepared.Value;

    /// <summary>Closes the PostgreSQL pool (SQLite's pool is process-wide and has nothing to close here).</summary>
    public void Dispose()
    {
        _postgres?.Dispose();
        _postgresLocks?.Dispose();
    }

    /// <summary>
    /// Claims the right to build an enrollment or to make canaries (which must be checked against the base an enrollment
    /// is building), or says plainly that another process is doing either. The claim is an operating-system lock on a
    /// file, so it ends with the process however the process ends.
    /// </summary>
    /// <param name="command">The command to run again once the other has finished, for the message.</param>
    public IDisposable LockEnrollment(string command = "enroll")
    {
        if (_postgresLocks is not null) return LockEnrollmentOnServer(_postgresLocks, command);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        try
        {
            return new FileStream(EnrollmentLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (!StorageFailure.IsDiskFull(e))
        {
            throw new LeakWatchException($"Another enrollment or canary creation is running on this data folder; wait for it to finish, then run {command} again.");
        }
    }

    /// <summary>
    /// On PostgreSQL the claim is a session advisory lock, shared by every node: the server ends it with the connection,
    /// so a node that dies while enrolling frees it.
    /// </summary>
    private static ServerLock LockEnrollmentOnServer(NpgsqlDataSource locks, string command) =>
        ServerLock.TryTake(locks, EnrollmentLockKey)
        ?? throw new LeakWatchException($"Another enrollment or canary creation is running on this database (another node or process); wait for it to finish, then run {command} again.");

    private async Task<DbConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(cancellationToken);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = _pragmas;
        try
        {
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e) when (StorageFailure.CannotWrite(e) && connection.State == System.Data.ConnectionState.Open)
        {
            // A full or read-only disk on a database that already has its settings (WAL among them): the settings
            // cannot be re-asserted, but reading needs none of them; a write on this connection fails on its own.
            pragma.CommandText = "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
        return connection;
    }

    private async Task PrepareAsync()
    {
        if (_postgres is not null)
        {
            await PrepareServerAsync(_postgres, _postgresLocks!);
            return;
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await StartNewFileAsync();
        await using var connection = await OpenRawAsync(CancellationToken.None);
        await Migrator.ApplyAsync(connection, DatabaseProvider.Sqlite, CancellationToken.None);
        await RemoveLeftoversAsync((SqliteConnection)connection);
    }

    /// <summary>
    /// auto_vacuum lets a replaced enrollment give its pages back to the file system (incremental_vacuum) instead of
    /// leaving the file twice its size. It takes only on a file without tables, and before WAL; and setting it takes the
    /// write lock even when it changes nothing, so it is set here, on a new file, and not on every connection: a
    /// connection that only reads (a scan) must not wait for another process's write transaction.
    /// </summary>
    private async Task StartNewFileAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master";
        if (Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0) return;
        command.CommandText = "PRAGMA auto_vacuum=INCREMENTAL";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Nodes starting together migrate one at a time (an advisory lock); then a 'building' enrollment that no process is
    /// building (no one holds the enrollment lock) is removed, as on SQLite.
    /// </summary>
    private static async Task PrepareServerAsync(NpgsqlDataSource source, NpgsqlDataSource locks)
    {
        await using var connection = await source.OpenConnectionAsync();
        using (await ServerLock.WaitAsync(locks, MigrationLockKey))
        {
            await Migrator.ApplyAsync(connection, DatabaseProvider.Postgres, CancellationToken.None);
        }
        using var enrolling = ServerLock.TryTake(locks, EnrollmentLockKey);
        if (enrolling is null) return; // an enrollment is running: its rows are not leftovers
        await using var delete = new NpgsqlCommand(DeleteLeftovers, connection);
        await delete.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A 'building' enrollment whose process is gone (no one holds the lock) is dead: its chunks are deleted and their
    /// pages given back, so a killed enrollment does not grow the file for good. On a full or read-only disk this
    /// cannot happen now; it is left for a later open and the verb goes on, since reading does not need it.
    /// </summary>
    private async Task RemoveLeftoversAsync(SqliteConnection connection)
    {
        using (var count = connection.CreateCommand())
        {
            count.CommandText = CountLeftovers;
            if (Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0) return;
        }
        FileStream claim;
        try
        {
            claim = new FileStream(EnrollmentLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // an enrollment is running (or the folder is read-only): its rows are not leftovers
        }
        await using (claim)
        {
            try
            {
                using var delete = connection.CreateCommand();
                delete.CommandText = DeleteLeftovers + "; PRAGMA incremental_vacuum;";
                await delete.ExecuteNonQueryAsync();
                using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                await checkpoint.ExecuteNonQueryAsync();
            }
            catch (SqliteException e) when (StorageFailure.CannotWrite(e))
            {
                // Full, read-only or failing disk: the leftovers stay until an open that can write.
            }
        }
    }
}
