using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeakWatch.Service.Tests.Postgres;

/// <summary>The enrollment lock on PostgreSQL: a session advisory lock whose release survives a broken session.</summary>
public sealed class ServerLockTests : IDisposable
{
    private const long Key = 0x4C57_5445_5354_4C4B; // "LWTESTLK"
    private readonly string _postgres = PostgresDatabase.Create();
    private readonly NpgsqlDataSource _locks;

    public ServerLockTests() => _locks = NpgsqlDataSource.Create(ServerLock.Unpooled(_postgres));

    public void Dispose() => _locks.Dispose();

    private async Task TerminateAsync(int processId)
    {
        await using var admin = new NpgsqlConnection(_postgres);
        await admin.OpenAsync();
        await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid, 5000)", admin);
        kill.Parameters.AddWithValue("pid", processId);
        Assert.Equal(true, await kill.ExecuteScalarAsync());
    }

    private async Task<long> AdvisoryLocksHeldAsync()
    {
        await using var admin = new NpgsqlConnection(_postgres);
        await admin.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", admin);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task ServerLock_SessionKilledWhileHeld_DisposeDoesNotThrowAndTheLockCanBeTakenAgain()
    {
        var held = ServerLock.TryTake(_locks, Key);
        Assert.NotNull(held);
        Assert.Null(ServerLock.TryTake(_locks, Key));
        await TerminateAsync(held.SessionProcessIdAtTake);

        held.Dispose(); // the unlock cannot run on a dead session; the release must still complete

        Assert.False(held.Held);
        using var again = ServerLock.TryTake(_locks, Key);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task ServerLock_Disposed_FreesTheLockAndClosesItsSessionAndASecondDisposeIsHarmless()
    {
        var held = ServerLock.TryTake(_locks, Key)!;
        Assert.Equal(1L, await AdvisoryLocksHeldAsync());

        held.Dispose();
        held.Dispose();

        Assert.Equal(0L, await AdvisoryLocksHeldAsync());
        await using var admin = new NpgsqlConnection(_postgres);
        await admin.OpenAsync();
        await using var sessions = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE pid = @pid", admin);
        sessions.Parameters.AddWithValue("pid", held.SessionProcessIdAtTake);
        Assert.Equal(0L, (long)(await sessions.ExecuteScalarAsync())!); // not parked in a pool with anything on it
    }

    [Fact]
    public async Task Database_EnrollmentLockSessionKilled_ReleaseDoesNotThrowAndTheNextEnrollmentMayStart()
    {
        var directory = Directory.CreateTempSubdirectory("leakwatch-lock-").FullName;
        try
        {
            using var database = new Database(Options.Create(new StorageOptions { DataDirectory = directory }), Options.Create(new DatabaseOptions { Provider = "postgres", ConnectionString = _postgres }));
            await database.MigrateAsync();
            var enrolling = database.LockEnrollment();
            var refused = Assert.Throws<LeakWatchException>(() => database.LockEnrollment());
            Assert.Contains("Another enrollment or canary creation is running", refused.Message, StringComparison.Ordinal);
            await TerminateAsync(((ServerLock)enrolling).SessionProcessIdAtTake);

            enrolling.Dispose();

            using var next = database.LockEnrollment();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
