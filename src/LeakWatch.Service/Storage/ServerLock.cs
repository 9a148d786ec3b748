using Npgsql;

namespace LeakWatch.Service.Storage;

/// <summary>
/// A PostgreSQL session advisory lock held on a connection of its own, outside the pool (<see cref="Unpooled"/>): the lock
/// lives exactly as long as that server session. Releasing it unlocks and then always closes the session, so even when the
/// unlock cannot run (the connection broke, the server restarted, the call was cancelled) closing ends the session and the
/// server frees the lock. A pooled connection would instead go back to the pool still holding it until its next use.
/// </summary>
internal sealed class ServerLock : IDisposable
{
    private readonly long _key;
    private NpgsqlConnection? _connection;

    private ServerLock(NpgsqlConnection connection, long key) => (_connection, _key, SessionProcessIdAtTake) = (connection, key, connection.ProcessID);

    /// <summary>The connection string of <paramref name="connectionString"/> with pooling off, for <see cref="NpgsqlDataSource"/>s that hold locks.</summary>
    public static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>Takes the lock if no session holds it; null when another one does.</summary>
    public static ServerLock? TryTake(NpgsqlDataSource unpooled, long key) => Take(unpooled, key, "SELECT pg_try_advisory_lock(@key)");

    /// <summary>Waits until the lock is free, then takes it.</summary>
    public static async Task<ServerLock> WaitAsync(NpgsqlDataSource unpooled, long key)
    {
        var connection = await unpooled.OpenConnectionAsync();
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync();
            return new ServerLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static ServerLock? Take(NpgsqlDataSource unpooled, long key, string sql)
    {
        var connection = unpooled.OpenConnection();
        try
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("key", key);
            if (command.ExecuteScalar() is true) return new ServerLock(connection, key);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        connection.Dispose();
        return null;
    }

    /// <summary>True while this object still holds its session (not yet released).</summary>
    public bool Held => _connection is not null;

    /// <summary>The server's process id of the lock's session, kept after release (for tests that break or look for it).</summary>
    public int SessionProcessIdAtTake { get; }

    public void Dispose()
    {
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is null) return;
        try
        {
            using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", _key);
            unlock.ExecuteNonQuery();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // The session is broken or gone: closing it below (or its end on the server) frees the lock all the same.
        }
        finally
        {
            connection.Dispose();
        }
    }
}
