using System.Collections.Frozen;

namespace LeakWatch.Core.Extraction;

/// <summary>
/// What a column name, a JSON key or an SQL column says its values are. The one place extractors ask, so that the
/// vocabulary lives in one table.
/// </summary>
internal static class ColumnHints
{
    private const int MaxNameChars = 64;

    private static readonly FrozenDictionary<string, FieldHint> Names = new Dictionary<string, FieldHint>
    {
        ["nom"] = FieldHint.LastName,
        ["noms"] = FieldHint.LastName,
        ["nomfamille"] = FieldHint.LastName,
        ["nomdefamille"] = FieldHint.LastName,
        ["nompatient"] = FieldHint.LastName,
        ["lastname"] = FieldHint.LastName,
        ["last"] = FieldHint.LastName,
        ["surname"] = FieldHint.LastName,
        ["family"] = FieldHint.LastName,
        ["familyname"] = FieldHint.LastName,
        ["nomnaissance"] = FieldHint.BirthName,
        ["nomdenaissance"] = FieldHint.BirthName,
        ["nomnais"] = FieldHint.BirthName,
        ["nomjf"] = FieldHint.BirthName,
        ["nomjeunefille"] = FieldHint.BirthName,
        ["nomdejeunefille"] = FieldHint.BirthName,
        ["birthname"] = FieldHint.BirthName,
        ["maidenname"] = FieldHint.BirthName,
        ["nomusage"] = FieldHint.UsageName,
        ["nomdusage"] = FieldHint.UsageName,
        ["nomutilise"] = FieldHint.UsageName,
        ["nommarital"] = FieldHint.UsageName,
        ["nomepouse"] = FieldHint.UsageName,
        ["usagename"] = FieldHint.UsageName,
        ["marriedname"] = FieldHint.UsageName,
        ["prenom"] = FieldHint.FirstName,
        ["prenoms"] = FieldHint.FirstName,
        ["prenompatient"] = FieldHint.FirstName,
        ["firstname"] = FieldHint.FirstName,
        ["first"] = FieldHint.FirstName,
        ["firstnames"] = FieldHint.FirstName,
        ["givenname"] = FieldHint.FirstName,
        ["given"] = FieldHint.FirstName,
        ["forename"] = FieldHint.FirstName,
        ["nomprenom"] = FieldHint.FullName,
        ["nomcomplet"] = FieldHint.FullName,
        ["identite"] = FieldHint.FullName,
        ["fullname"] = FieldHint.FullName,
        ["name"] = FieldHint.FullName,
        ["patient"] = FieldHint.FullName,
        ["ddn"] = FieldHint.BirthDate,
        ["dn"] = FieldHint.BirthDate,
        ["datenaissance"] = FieldHint.BirthDate,
        ["datedenaissance"] = FieldHint.BirthDate,
        ["datenais"] = FieldHint.BirthDate,
        ["dtnaiss"] = FieldHint.BirthDate,
        ["datnais"] = FieldHint.BirthDate,
        ["naissance"] = FieldHint.BirthDate,
        ["nele"] = FieldHint.BirthDate,
        ["dob"] = FieldHint.BirthDate,
        ["birthdate"] = FieldHint.BirthDate,
        ["dateofbirth"] = FieldHint.BirthDate,
        ["birthday"] = FieldHint.BirthDate,
        ["nir"] = FieldHint.Nir,
        ["nss"] = FieldHint.Nir,
        ["numsecu"] = FieldHint.Nir,
        ["numerosecu"] = FieldHint.Nir,
        ["nosecu"] = FieldHint.Nir,
        ["secu"] = FieldHint.Nir,
        ["securitesociale"] = FieldHint.Nir,
        ["numerosecuritesociale"] = FieldHint.Nir,
        ["matriculeins"] = FieldHint.Nir,
        ["ins"] = FieldHint.Nir,
        ["insnir"] = FieldHint.Nir,
        ["ssn"] = FieldHint.Nir,
        ["tel"] = FieldHint.Phone,
        ["telephone"] = FieldHint.Phone,
        ["telportable"] = FieldHint.Phone,
        ["portable"] = FieldHint.Phone,
        ["mobile"] = FieldHint.Phone,
        ["gsm"] = FieldHint.Phone,
        ["phone"] = FieldHint.Phone,
        ["phonenumber"] = FieldHint.Phone,
        ["telfixe"] = FieldHint.Phone,
        ["email"] = FieldHint.Email,
        ["mail"] = FieldHint.Email,
        ["courriel"] = FieldHint.Email,
        ["adressemail"] = FieldHint.Email,
        ["emailaddress"] = FieldHint.Email,
        ["ipp"] = FieldHint.Identifier,
        ["id"] = FieldHint.Identifier,
        ["idpatient"] = FieldHint.Identifier,
        ["patientid"] = FieldHint.Identifier,
        ["numdossier"] = FieldHint.Identifier,
        ["numpatient"] = FieldHint.Identifier,
        ["identifiant"] = FieldHint.Identifier,
        ["cp"] = FieldHint.PostalCode,
        ["codepostal"] = FieldHint.PostalCode,
        ["postalcode"] = FieldHint.PostalCode,
        ["zip"] = FieldHint.PostalCode,
        ["zipcode"] = FieldHint.PostalCode,
        ["ville"] = FieldHint.Other,
        ["city"] = FieldHint.Other,
        ["adresse"] = FieldHint.Other,
        ["address"] = FieldHint.Other,
        ["sexe"] = FieldHint.Other,
        ["sex"] = FieldHint.Other,
        ["gender"] = FieldHint.Other,
        ["civilite"] = FieldHint.Other,
        ["medecin"] = FieldHint.Other,
        ["prescripteur"] = FieldHint.Other,
        ["examen"] = FieldHint.Other,
        ["resultat"] = FieldHint.Other,
        ["laboratoire"] = FieldHint.Other,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, FieldHint>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Names.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The hint a header cell or key gives its values; None when it is not known.</summary>
    public static FieldHint Classify(ReadOnlySpan<char> name)
    {
        Span<char> folded = stackalloc char[MaxNameChars];
        var length = Fold(name, folded);
        return length > 0 && Lookup.TryGetValue(folded[..length], out var hint) ? hint : FieldHint.None;
    }

    /// <summary>Lower-case letters and digits only, French accents dropped: "Date de naissance" and "DATE_NAISSANCE" agree.</summary>
    private static int Fold(ReadOnlySpan<char> name, Span<char> output)
    {
        var n = 0;
        foreach (var c in name.Trim().Trim('"'))
        {
            var f = char.ToLowerInvariant(c) switch
            {
                'à' or 'â' or 'ä' => 'a',
                'é' or 'è' or 'ê' or 'ë' => 'e',
                'î' or 'ï' => 'i',
                'ô' or 'ö' => 'o',
                'ù' or 'û' or 'ü' => 'u',
                'ç' => 'c',
                var x => x,
            };
            if (!char.IsAsciiLetterOrDigit(f)) continue;
            if (n == output.Length) return 0;
            output[n++] = f;
        }

        return n;
    }
}
