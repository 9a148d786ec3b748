using LeakWatch.Service.Configuration;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Quartz;
using Quartz.Impl.AdoJobStore;

namespace LeakWatch.Service.Operations;

internal static class OperationsRegistration
{
    /// <summary>
    /// The persistent schedule (Quartz's ADO.NET job store on the service's own SQLite file), health and metrics on the
    /// web listener, and the retention purge job.
    /// </summary>
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddStrictOptions<OperationsOptions>(OperationsOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<OperationsOptions>, OperationsOptionsValidator>();

        // The schema is migration 0500 (of the provider's folder), applied when the database is first opened. The
        // provider is known only once the configuration is read, so the driver delegate and the data source are chosen
        // then: SQLite, or PostgreSQL with Quartz's clustered mode (a node id per instance, check-ins, recovery).
        services.AddQuartz(q => q.UsePersistentStore(store =>
        {
            store.UseDriverDelegate(sp => sp.GetRequiredService<Database>().IsPostgres ? new PostgreSQLDelegate() : new SQLiteDelegate());
            store.UseSqlite(source => source.DataSourceFactory = MigratedDataSource);
            store.UseSystemTextJsonSerializer();
        }));
        services.AddSingleton<IPostConfigureOptions<AdoJobStoreOptions>>(sp => new PostConfigureOptions<AdoJobStoreOptions, IOptions<OperationsOptions>, IOptions<DatabaseOptions>>(
            null, sp.GetRequiredService<IOptions<OperationsOptions>>(), sp.GetRequiredService<IOptions<DatabaseOptions>>(), (store, operations, database) =>
            {
                store.MisfireThreshold = operations.Value.MisfireThreshold;
                store.StoreJobDataAsStrings = true;
                // Clustering needs the store's row locks (QRTZ_LOCKS, SELECT ... FOR UPDATE) between nodes.
                if (database.Value.ParsedProvider == DatabaseProvider.Postgres) store.UseDbLocks = true;
            }));
        services.AddSingleton<IPostConfigureOptions<DataSourceOptions>>(sp => new PostConfigureOptions<DataSourceOptions, IOptions<DatabaseOptions>>(
            null, sp.GetRequiredService<IOptions<DatabaseOptions>>(), (source, database) =>
            {
                if (database.Value.ParsedProvider == DatabaseProvider.Postgres) source.Provider = DataSourceOptions.Providers.Npgsql;
            }));
        services.AddSingleton<IPostConfigureOptions<ClusteringOptions>>(sp => new PostConfigureOptions<ClusteringOptions, IOptions<DatabaseOptions>, IOptions<ClusterOptions>>(
            null, sp.GetRequiredService<IOptions<DatabaseOptions>>(), sp.GetRequiredService<IOptions<ClusterOptions>>(), (clustering, database, cluster) =>
            {
                if (database.Value.ParsedProvider != DatabaseProvider.Postgres) return;
                clustering.Enabled = true;
                clustering.CheckinInterval = cluster.Value.CheckinInterval;
                clustering.CheckinMisfireThreshold = cluster.Value.CheckinMisfireThreshold;
            }));
        services.AddSingleton<IPostConfigureOptions<QuartzSchedulerOptions>>(sp => new PostConfigureOptions<QuartzSchedulerOptions, IOptions<ClusterOptions>>(
            null, sp.GetRequiredService<IOptions<ClusterOptions>>(), (scheduler, cluster) =>
            {
                // Every node of a cluster shares the scheduler's name and has an id of its own (its node name).
                scheduler.InstanceId = cluster.Value.ResolveNodeName();
                scheduler.IdleWaitTime = cluster.Value.IdleWaitTime;
            }));

        services.AddStrictOptions<ClusterOptions>(ClusterOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>();
        services.AddSingleton<ClusterNodes>();
        services.AddHostedService<NodeHeartbeat>();

        services.AddSingleton<OutboxBacklog>();
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<KeyCheck>("key", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<EnrollmentCheck>("enrollment", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<SourcesCheck>("sources", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<OutboxCheck>("outbox", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<RetentionCheck>("retention", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<NodesCheck>("nodes", tags: [HealthEndpoints.ReadyTag]);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(LeakWatchMetrics.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        services.AddSingleton<IWebEndpoints, HealthEndpoints>();
        services.AddHostedService<PendingAlertsGauge>();

        services.AddSingleton<RetentionPurger>();
        services.AddSingleton<RetentionHealth>();
        services.AddSingleton<IRetentionAudit, AuditedRetention>();
        services.AddQuartz(q => q.ScheduleJob<RetentionJob>(
            (sp, trigger) => trigger
                .WithIdentity(RetentionJob.Name)
                .WithCronSchedule(sp.GetRequiredService<IOptions<OperationsOptions>>().Value.Retention.Schedule,
                    b => b.WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)),
            (_, job) => job.WithIdentity(RetentionJob.Name)));
        return services;
    }

    /// <summary>
    /// Quartz asks once, when its scheduler is made: the database (folder, file, migrations) is made first, so whoever
    /// gets a scheduler finds its tables. Synchronous because Quartz's factory is.
    /// </summary>
    private static System.Data.Common.DbDataSource MigratedDataSource(IServiceProvider services)
    {
        var database = services.GetRequiredService<Database>();
        database.MigrateAsync().GetAwaiter().GetResult();
        return database.CreateDataSource();
    }
}
