using LeakWatch.Service.Tests.Accounts;
using LeakWatch.Service.Tests.Alerting;
using LeakWatch.Service.Tests.Incidents;
using LeakWatch.Service.Tests.Storage;

namespace LeakWatch.Service.Tests.Postgres;

// The store's test suites, run again on PostgreSQL: every [Fact] and [Theory] of the base class, each test on a
// database of its own on the shared server. Task.Run: the server starts outside xunit's synchronization context.

public sealed class FingerprintStoreOnPostgresTests() : FingerprintStoreTests(PostgresDatabase.Create());

public sealed class IncidentRecorderOnPostgresTests() : IncidentRecorderTests(PostgresDatabase.Create());

public sealed class AlertDeliveryOnPostgresTests() : AlertDeliveryTests(PostgresDatabase.Create());

public sealed class AccountServiceOnPostgresTests() : AccountServiceTests(PostgresDatabase.Create());

internal static class PostgresDatabase
{
    public static string Create() => Task.Run(PostgresServer.CreateDatabaseAsync).GetAwaiter().GetResult();
}

public sealed class SignalIncidentRecorderOnPostgresTests() : SignalIncidentRecorderTests(PostgresDatabase.Create());
