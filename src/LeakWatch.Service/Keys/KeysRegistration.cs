using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Keys;

internal static class KeysRegistration
{
    public static IServiceCollection AddKeys(this IServiceCollection services)
    {
        services.AddSingleton<KeyProvider>();
        return services;
    }
}
