using System.Collections.Frozen;

namespace LeakWatch.Core.Normalization;

/// <summary>
/// What a column holds, from its header or JSON key, in French or English, whatever the case, accents and
/// separators ("NOM_DE_NAISSANCE", "Nom de naissance", "nomNaissance", "birth-name"). Unknown headers give
/// <see cref="FieldHint.None"/>, so the scanner falls back to classifying values.
/// </summary>
/// <remarks>
/// A column about somebody else than the patient (the prescribing doctor's name, the lab's phone, the mother's
/// name) or about no identity at all (city, sex, exam, result, sampling date) is <see cref="FieldHint.Other"/>:
/// "NOM_MEDECIN" must not be read as the patient's last name.
/// </remarks>
public static class ColumnNames
{
    /// <summary>Classifies a header name.</summary>
    public static FieldHint Classify(ReadOnlySpan<char> headerName)
    {
        var words = Words(headerName);
        if (words.Count == 0) return FieldHint.None;
        if (Exact.TryGetValue(string.Concat(words), out var hint)) return hint;

        // "PATIENT_NOM", "NOM_PAT", "PAT_DATE_NAISSANCE": the subject adds nothing.
        while (words.Count > 1 && Subjects.Contains(words[0])) words.RemoveAt(0);
        while (words.Count > 1 && Subjects.Contains(words[^1])) words.RemoveAt(words.Count - 1);
        if (Exact.TryGetValue(string.Concat(words), out hint)) return hint;

        foreach (var word in words)
        {
            if (OtherPerson.Contains(word) || NotIdentity.Contains(word)) return FieldHint.Other;
        }
        return ByWords(words);
    }

    private static FieldHint ByWords(List<string> words)
    {
        bool Has(params ReadOnlySpan<string> any)
        {
            foreach (var word in words)
            {
                foreach (var candidate in any)
                {
                    if (word == candidate) return true;
                }
            }
            return false;
        }

        var firstName = Has("PRENOM", "PRENOMS", "FIRSTNAME", "GIVENNAME", "FORENAME") || (Has("FIRST", "GIVEN", "FORE") && Has("NAME", "NAMES"));
        var name = Has("NOM", "NOMS", "NAME", "NAMES", "PATRONYME", "SURNAME", "LASTNAME");
        if (firstName) return name && Has("NOM", "NOMS", "PATRONYME") ? FieldHint.FullName : FieldHint.FirstName;
        if (Has("NAISSANCE", "NAISS", "NAIS", "BIRTH", "NE", "NEE", "DOB", "DDN"))
        {
            if (name || Has("MAIDEN", "JF")) return FieldHint.BirthName;
            if (Has("DATE", "DT", "DAT", "LE", "DAY", "JOUR") || words.Count == 1) return FieldHint.BirthDate;
        }
        if (name)
        {
            if (Has("MAIDEN", "JF", "JEUNE", "FILLE", "PATRONYMIQUE")) return FieldHint.BirthName;
            if (Has("USAGE", "USUEL", "MARITAL", "EPOUSE", "MARI", "USUAL", "MARRIED", "USED", "USE")) return FieldHint.UsageName;
            if (Has("COMPLET", "FULL", "ENTIER")) return FieldHint.FullName;
            if (Has("LAST", "FAMILY", "FAMILLE", "SUR", "NOM", "NOMS", "PATRONYME", "SURNAME", "LASTNAME")) return FieldHint.LastName;
            return FieldHint.FullName;
        }
        if (Has("NIR", "NSS", "SECU", "SECURITE", "INSEE", "SSN", "INS", "NUMSECU")) return FieldHint.Nir;
        if (Has("TEL", "TELEPHONE", "PHONE", "MOBILE", "PORTABLE", "GSM", "CELL", "CELLULAR", "FIXE", "FAX", "TELEPHONEPORTABLE")) return FieldHint.Phone;
        if (Has("MAIL", "EMAIL", "COURRIEL", "MEL", "EMAILADDRESS")) return FieldHint.Email;
        if (Has("CP", "ZIP", "ZIPCODE", "POSTAL", "POSTCODE", "CODEPOSTAL")) return FieldHint.PostalCode;
        if (Has("IPP", "ID", "IDENTIFIANT", "IDENTIFIER", "UUID", "GUID", "NIP")) return FieldHint.Identifier;
        return FieldHint.None;
    }

    /// <summary>
    /// Upper-case ASCII words: split on anything that is not a letter and on camelCase humps, accents folded,
    /// digits dropped ("TEL2" is TEL), French and English articles dropped ("DATE_DE_NAISSANCE" is DATE NAISSANCE).
    /// </summary>
    private static List<string> Words(ReadOnlySpan<char> header)
    {
        var words = new List<string>(4);
        Span<char> word = stackalloc char[64];
        var length = 0;
        var previousLower = false;
        foreach (var c in header)
        {
            var kind = LatinFolding.Fold(c, out var first, out var second);
            if (kind == CharKind.Ignorable) continue;
            if (kind == CharKind.Letter)
            {
                var isUpper = char.IsUpper(c);
                if (isUpper && previousLower) Flush(words, word, ref length);
                previousLower = !isUpper;
                if (length + 2 > word.Length) continue;
                word[length++] = first;
                if (second != '\0') word[length++] = second;
            }
            else
            {
                Flush(words, word, ref length);
                previousLower = false;
            }
        }
        Flush(words, word, ref length);
        return words;
    }

    private static void Flush(List<string> words, Span<char> word, ref int length)
    {
        if (length == 0) return;
        var text = new string(word[..length]);
        length = 0;
        if (!StopWords.Contains(text)) words.Add(text);
    }

    private static readonly FrozenSet<string> StopWords = FrozenSet.ToFrozenSet(["DE", "DU", "DES", "D", "LA", "L", "OF", "THE", "EN", "AU", "A", "ET", "AND"]);

    private static readonly FrozenSet<string> Subjects = FrozenSet.ToFrozenSet(["PATIENT", "PATIENTS", "PAT", "PERSONNE", "PERSON", "CLIENT", "INDIVIDU", "USAGER", "MALADE", "BENEFICIAIRE"]);

    // Columns about another person than the patient.
    private static readonly FrozenSet<string> OtherPerson = FrozenSet.ToFrozenSet([
        "MEDECIN", "MED", "DOCTEUR", "DOCTOR", "DR", "PRESCRIPTEUR", "PRESCRIBER", "PRESCRIBING", "PHYSICIAN", "PRATICIEN",
        "CORRESPONDANT", "BIOLOGISTE", "PRELEVEUR", "INFIRMIER", "INFIRMIERE", "IDE", "TRAITANT", "REFERENT", "SOIGNANT",
        "MERE", "PERE", "MOTHER", "FATHER", "PARENT", "TUTEUR", "CONTACT", "URGENCE", "EMERGENCY", "PRESCRIPTION", "OPERATEUR",
        "OPERATOR", "USER", "UTILISATEUR", "LABO", "LABORATOIRE", "LABORATORY", "LAB", "ETABLISSEMENT", "SITE", "SERVICE",
        "CLINIQUE", "HOPITAL", "HOSPITAL", "CABINET", "FINESS", "RPPS", "ADELI", "MUTUELLE", "CAISSE", "ORGANISME",
    ]);

    // Known columns that hold no identifying value.
    private static readonly FrozenSet<string> NotIdentity = FrozenSet.ToFrozenSet([
        "VILLE", "CITY", "COMMUNE", "TOWN", "ADRESSE", "ADDRESS", "ADDR", "ADR", "RUE", "STREET", "PAYS", "COUNTRY", "LIEU", "PLACE",
        "SEXE", "SEX", "GENRE", "GENDER", "EXAMEN", "EXAMENS", "EXAM", "ANALYSE", "ANALYSES", "ACTE", "ACTES", "TEST", "RESULTAT",
        "RESULTATS", "RESULT", "RESULTS", "VALEUR", "VALUE", "UNITE", "UNIT", "NORMES", "COMMENTAIRE", "COMMENTAIRES", "COMMENT",
        "PRELEVEMENT", "PRELEV", "SAMPLE", "SAMPLING", "RECEPTION", "VALIDATION", "CREATION", "MODIFICATION", "UPDATED",
        "CREATED", "STATUT", "STATUS", "TYPE", "LIBELLE", "LABEL", "MONTANT", "AMOUNT", "TARIF", "FACTURE", "DIAGNOSTIC", "CONCLUSION",
        "AGE", "CIVILITE", "TITRE", "TITLE", "POIDS", "TAILLE", "NATIONALITE", "PROFESSION", "SEROLOGIE", "VIH", "HIV", "CANCER", "GENETIQUE", "PATHOLOGIE",
    ]);

    // Whole headers, as their words concatenate.
    private static readonly FrozenDictionary<string, FieldHint> Exact = new Dictionary<string, FieldHint>
    {
        ["IPP"] = FieldHint.Identifier,
        ["ID"] = FieldHint.Identifier,
        ["PATIENTID"] = FieldHint.Identifier,
        ["IDPATIENT"] = FieldHint.Identifier,
        ["NUMPATIENT"] = FieldHint.Identifier,
        ["NUMEROPATIENT"] = FieldHint.Identifier,
        ["NOPATIENT"] = FieldHint.Identifier,
        ["NPATIENT"] = FieldHint.Identifier,
        ["REFERENCEPATIENT"] = FieldHint.Identifier,
        ["CODEPATIENT"] = FieldHint.Identifier,
        ["REFPATIENT"] = FieldHint.Identifier,
        ["IDENTIFIANT"] = FieldHint.Identifier,
        ["IDENTIFIANTPATIENT"] = FieldHint.Identifier,
        ["IDENTIFIER"] = FieldHint.Identifier,
        ["NUMDOSSIER"] = FieldHint.Identifier,
        ["NUMERODOSSIER"] = FieldHint.Identifier,
        ["NODOSSIER"] = FieldHint.Identifier,
        ["DOSSIER"] = FieldHint.Identifier,
        ["NIP"] = FieldHint.Identifier,
        ["MRN"] = FieldHint.Identifier,
        ["UUID"] = FieldHint.Identifier,
        ["NOM"] = FieldHint.LastName,
        ["NOMS"] = FieldHint.LastName,
        ["LASTNAME"] = FieldHint.LastName,
        ["SURNAME"] = FieldHint.LastName,
        ["FAMILYNAME"] = FieldHint.LastName,
        ["FAMILY"] = FieldHint.LastName,
        ["NOMFAMILLE"] = FieldHint.LastName,
        ["PATRONYME"] = FieldHint.LastName,
        ["NOMNAISSANCE"] = FieldHint.BirthName,
        ["NOMJEUNEFILLE"] = FieldHint.BirthName,
        ["NOMJF"] = FieldHint.BirthName,
        ["NOMPATRONYMIQUE"] = FieldHint.BirthName,
        ["BIRTHNAME"] = FieldHint.BirthName,
        ["MAIDENNAME"] = FieldHint.BirthName,
        ["NOMUSAGE"] = FieldHint.UsageName,
        ["NOMUSUEL"] = FieldHint.UsageName,
        ["NOMMARITAL"] = FieldHint.UsageName,
        ["NOMEPOUSE"] = FieldHint.UsageName,
        ["NOMMARI"] = FieldHint.UsageName,
        ["USUALNAME"] = FieldHint.UsageName,
        ["MARRIEDNAME"] = FieldHint.UsageName,
        ["USEDNAME"] = FieldHint.UsageName,
        ["PRENOM"] = FieldHint.FirstName,
        ["PRENOMS"] = FieldHint.FirstName,
        ["FIRSTNAME"] = FieldHint.FirstName,
        ["FIRSTNAMES"] = FieldHint.FirstName,
        ["GIVENNAME"] = FieldHint.FirstName,
        ["GIVENNAMES"] = FieldHint.FirstName,
        ["GIVEN"] = FieldHint.FirstName,
        // The keys of JSON name objects ({"first": ..., "last": ...}).
        ["FIRST"] = FieldHint.FirstName,
        ["LAST"] = FieldHint.LastName,
        ["FORENAME"] = FieldHint.FirstName,
        ["FORENAMES"] = FieldHint.FirstName,
        ["NOMPRENOM"] = FieldHint.FullName,
        ["NOMPRENOMS"] = FieldHint.FullName,
        ["PRENOMNOM"] = FieldHint.FullName,
        ["NOMCOMPLET"] = FieldHint.FullName,
        ["FULLNAME"] = FieldHint.FullName,
        ["NAME"] = FieldHint.FullName,
        ["PATIENT"] = FieldHint.FullName,
        ["IDENTITE"] = FieldHint.FullName,
        ["IDENTITEPATIENT"] = FieldHint.FullName,
        ["DATENAISSANCE"] = FieldHint.BirthDate,
        ["DTNAISSANCE"] = FieldHint.BirthDate,
        ["DATENAISS"] = FieldHint.BirthDate,
        ["DATNAIS"] = FieldHint.BirthDate,
        ["DATENAIS"] = FieldHint.BirthDate,
        ["NAISSANCE"] = FieldHint.BirthDate,
        ["DDN"] = FieldHint.BirthDate,
        ["NE"] = FieldHint.BirthDate,
        ["NEE"] = FieldHint.BirthDate,
        ["NELE"] = FieldHint.BirthDate,
        ["NEELE"] = FieldHint.BirthDate,
        ["BIRTHDATE"] = FieldHint.BirthDate,
        ["DATEBIRTH"] = FieldHint.BirthDate,
        ["BIRTHDAY"] = FieldHint.BirthDate,
        ["DOB"] = FieldHint.BirthDate,
        ["NIR"] = FieldHint.Nir,
        ["NUMSECU"] = FieldHint.Nir,
        ["NUMEROSECU"] = FieldHint.Nir,
        ["NOSECU"] = FieldHint.Nir,
        ["SECU"] = FieldHint.Nir,
        ["NSS"] = FieldHint.Nir,
        ["NOSS"] = FieldHint.Nir,
        ["NUMSS"] = FieldHint.Nir,
        ["NUMEROSECURITESOCIALE"] = FieldHint.Nir,
        ["NUMSECURITESOCIALE"] = FieldHint.Nir,
        ["SECURITESOCIALE"] = FieldHint.Nir,
        ["NUMEROINSEE"] = FieldHint.Nir,
        ["INSEE"] = FieldHint.Nir,
        ["CODEINSEE"] = FieldHint.Other, // a commune's code, not a person's number
        ["INS"] = FieldHint.Nir,
        ["INSNIR"] = FieldHint.Nir,
        ["MATRICULEINS"] = FieldHint.Nir,
        ["SSN"] = FieldHint.Nir,
        ["TELEPHONE"] = FieldHint.Phone,
        ["TEL"] = FieldHint.Phone,
        ["PORTABLE"] = FieldHint.Phone,
        ["MOBILE"] = FieldHint.Phone,
        ["PHONE"] = FieldHint.Phone,
        ["GSM"] = FieldHint.Phone,
        ["PHONENUMBER"] = FieldHint.Phone,
        ["EMAIL"] = FieldHint.Email,
        ["MAIL"] = FieldHint.Email,
        ["COURRIEL"] = FieldHint.Email,
        ["EMAILADDRESS"] = FieldHint.Email,
        ["ADRESSEMAIL"] = FieldHint.Email,
        ["ADRESSEEMAIL"] = FieldHint.Email,
        ["ADRESSEMEL"] = FieldHint.Email,
        ["ADRESSECOURRIEL"] = FieldHint.Email,
        ["CODEPOSTAL"] = FieldHint.PostalCode,
        ["CP"] = FieldHint.PostalCode,
        ["ZIP"] = FieldHint.PostalCode,
        ["ZIPCODE"] = FieldHint.PostalCode,
        ["POSTALCODE"] = FieldHint.PostalCode,
        ["POSTCODE"] = FieldHint.PostalCode,
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
