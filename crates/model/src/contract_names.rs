//! The closed sets of names the contract spells — ops, states, kinds, labels, config values — each written
//! once, in a table beside its enum. The table gives the enum `name`, `from_name` and `ALL`, and serde
//! reads and writes the enum as its name, so the JSON stays exactly as documented while the code matches on
//! variants instead of strings.

/// `contract_names!(Type { Variant = "name", … })`: a variant may list more accepted spellings after its
/// name (`All = "all" | "-1"`); `name` always gives the first.
macro_rules! contract_names {
    ($ty:ident { $($variant:ident = $name:literal $(| $alias:literal)*),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in the table's order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The name the contract spells.
            pub fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }

            /// The variant a name (or an accepted other spelling) stands for.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name $(| $alias)* => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = String::deserialize(deserializer)?;
                $ty::from_name(&name).ok_or_else(|| {
                    <D::Error as serde::de::Error>::unknown_variant(&name, &[$($name),+])
                })
            }
        }
    };
}

pub(crate) use contract_names;
