//! `#[derive(Params)]`: a struct's (or an enum's) `#[param]` fields become flags with their help,
//! value type and preset value, so each hyperparameter is declared once, on its field. The
//! generated code implements `atelier_core::params::Params`; see that module for the attributes.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, GenericArgument, LitChar, LitStr, Path, PathArguments, Type};

#[proc_macro_derive(Params, attributes(param))]
pub fn derive_params(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    let result = match &input.data {
        Data::Struct(data) => derive_struct(&input, &data.fields),
        Data::Enum(data) => derive_enum(&input, data),
        Data::Union(_) => Err(syn::Error::new(input.span(), "Params: structs and enums only")),
    };
    result.unwrap_or_else(syn::Error::into_compile_error).into()
}

/// How a field takes its values, read from its type.
enum Shape {
    Switch,
    One(Type),
    Optional(Type),
    Many(Type),
}

/// One `#[param(...)]` on a field.
#[derive(Default)]
struct Attr {
    flag: Option<String>,
    value_name: Option<String>,
    unit: Option<String>,
    help: Option<String>,
    selects: bool,
    set: Option<Path>,
    show: Option<Path>,
    only_if: Option<Path>,
    why: Option<String>,
    delimiter: Option<char>,
    nested: bool,
    flatten: bool,
    required: bool,
}

/// A flag of the derived type: one `#[param]` of one field.
struct Flag {
    field: syn::Ident,
    ty: Type,
    attr: Attr,
    help: String,
}

impl Flag {
    fn name(&self) -> String {
        self.attr.flag.clone().unwrap_or_else(|| self.field.to_string().replace('_', "-"))
    }

    fn shape(&self) -> Shape {
        shape(&self.ty)
    }
}

fn shape(ty: &Type) -> Shape {
    if let Type::Path(path) = ty
        && let Some(last) = path.path.segments.last()
    {
        let inner = match &last.arguments {
            PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
                GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            }),
            _ => None,
        };
        match (last.ident.to_string().as_str(), inner) {
            ("bool", None) => return Shape::Switch,
            ("Option", Some(inner)) => return Shape::Optional(inner),
            ("Vec", Some(inner)) => return Shape::Many(inner),
            _ => {}
        }
    }
    Shape::One(ty.clone())
}

fn parse_attrs(attrs: &[Attribute]) -> syn::Result<Vec<Attr>> {
    let mut found = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("param")) {
        let mut parsed = Attr::default();
        if matches!(attr.meta, syn::Meta::List(_)) {
            attr.parse_nested_meta(|meta| {
                let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
                let text = |meta: &syn::meta::ParseNestedMeta| -> syn::Result<String> {
                    Ok(meta.value()?.parse::<LitStr>()?.value())
                };
                match key.as_str() {
                    "flag" => parsed.flag = Some(text(&meta)?),
                    "value_name" => parsed.value_name = Some(text(&meta)?),
                    "unit" => parsed.unit = Some(text(&meta)?),
                    "help" => parsed.help = Some(text(&meta)?),
                    "why" => parsed.why = Some(text(&meta)?),
                    "selects" => parsed.selects = true,
                    "nested" => parsed.nested = true,
                    "required" => parsed.required = true,
                    "flatten" => parsed.flatten = true,
                    "set" => parsed.set = Some(meta.value()?.parse()?),
                    "show" => parsed.show = Some(meta.value()?.parse()?),
                    "only_if" => parsed.only_if = Some(meta.value()?.parse()?),
                    "delimiter" => parsed.delimiter = Some(meta.value()?.parse::<LitChar>()?.value()),
                    _ => return Err(meta.error(format!("unknown param attribute `{key}`"))),
                }
                Ok(())
            })?;
        }
        if parsed.only_if.is_some() != parsed.why.is_some() {
            return Err(syn::Error::new(attr.span(), "`only_if` and `why` go together"));
        }
        found.push(parsed);
    }
    Ok(found)
}

/// The first paragraph of the doc comment, on one line.
fn doc_line(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value
        {
            lines.push(s.value().trim().to_string());
        }
    }
    let paragraph: Vec<String> = lines.into_iter().skip_while(String::is_empty).take_while(|l| !l.is_empty()).collect();
    paragraph.join(" ")
}

fn flags_of(fields: &Fields) -> syn::Result<Vec<Flag>> {
    let mut flags = Vec::new();
    for field in fields {
        let Some(ident) = field.ident.clone() else {
            return Err(syn::Error::new(field.span(), "Params: named fields only"));
        };
        let help = doc_line(&field.attrs);
        for attr in parse_attrs(&field.attrs)? {
            let help = attr.help.clone().unwrap_or_else(|| help.clone());
            if help.is_empty() {
                return Err(syn::Error::new(field.span(), "a #[param] field needs a doc comment (its help line)"));
            }
            flags.push(Flag { field: ident.clone(), ty: field.ty.clone(), attr, help });
        }
    }
    Ok(flags)
}

fn opt(value: &Option<String>) -> Tokens {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// The `ParamInfo` of a flag; `within` and `fallback` are given.
fn info(flag: &Flag, within: Tokens, fallback: Tokens) -> Tokens {
    let core = quote!(::atelier_core::params);
    let field = flag.field.to_string();
    let name = flag.name();
    let help = &flag.help;
    let value_name = opt(&flag.attr.value_name);
    let unit = opt(&flag.attr.unit);
    let selects = flag.attr.selects;
    let required = flag.attr.required;
    let (arity, value_ty) = match flag.shape() {
        Shape::Switch => (quote!(#core::Arity::Switch), None),
        Shape::One(t) => (quote!(#core::Arity::One), Some(t)),
        Shape::Optional(t) => (quote!(#core::Arity::Optional), Some(t)),
        Shape::Many(t) => {
            let delimiter = match flag.attr.delimiter {
                Some(d) => quote!(Some(#d)),
                None => quote!(None),
            };
            (quote!(#core::Arity::Many { delimiter: #delimiter }), Some(t))
        }
    };
    let (choices, check) = match value_ty {
        Some(t) => (
            quote!(<#t as #core::ParamValue>::choices()),
            quote!(|text: &str| <#t as #core::ParamValue>::parse(text).map(|_| ())),
        ),
        None => (quote!(None), quote!(|_: &str| Ok(()))),
    };
    quote! {
        #core::ParamInfo {
            field: #field, flag: #name, help: #help, value_name: #value_name, unit: #unit,
            arity: #arity, choices: #choices, selects: #selects, required: #required,
            within: #within, fallback: #fallback, check: #check,
        }
    }
}

/// `Some(text)` of the value in `place` (an expression of the field's type).
fn show_value(flag: &Flag, place: Tokens) -> Tokens {
    let core = quote!(::atelier_core::params);
    match flag.shape() {
        Shape::Switch => quote!(Some((#place).to_string())),
        Shape::One(_) => quote!(Some(#core::ParamValue::show(&#place))),
        Shape::Optional(_) => quote!((#place).as_ref().map(#core::ParamValue::show)),
        Shape::Many(_) => {
            let delimiter = match flag.attr.delimiter {
                Some(d) => quote!(Some(#d)),
                None => quote!(None),
            };
            quote!(Some(#core::show_many(&#place, #delimiter)))
        }
    }
}

/// Statements storing the typed `values` into `place` (a mutable place of the field's type).
fn store_value(flag: &Flag, place: Tokens) -> Tokens {
    let core = quote!(::atelier_core::params);
    let name = flag.name();
    match flag.shape() {
        Shape::Switch => quote! {
            if !values.is_empty() {
                return Err(#core::ApplyError::Invalid(format!("--{} takes no value", #name)));
            }
            #place = true;
        },
        Shape::One(t) => quote! {
            let value: #t = #core::one(#name, values)?;
            #core::ParamValue::assign(&mut #place, value);
        },
        Shape::Optional(t) => quote! {
            let value: #t = #core::one(#name, values)?;
            #place = Some(value);
        },
        Shape::Many(t) => {
            let delimiter = match flag.attr.delimiter {
                Some(d) => quote!(Some(#d)),
                None => quote!(None),
            };
            quote! {
                let value: Vec<#t> = #core::many(#name, values, #delimiter)?;
                #place = value;
            }
        }
    }
}

fn derive_struct(input: &DeriveInput, fields: &Fields) -> syn::Result<Tokens> {
    let core = quote!(::atelier_core::params);
    let ty = &input.ident;
    let flags = flags_of(fields)?;
    let mut infos = Vec::new();
    let mut shown = Vec::new();
    let mut applied = Vec::new();
    let mut refused = Vec::new();
    let mut nested_shown = Vec::new();
    let mut nested_applied = Vec::new();
    let mut nested_refused = Vec::new();
    for flag in &flags {
        let field = &flag.field;
        let name = flag.name();
        if flag.attr.flatten {
            // Not a flag itself: its type's flags are this struct's.
            let field_ty = &flag.ty;
            infos.push(quote!(all.extend(<#field_ty as #core::Params>::params());));
            nested_shown.push(quote! {
                if let Some(text) = #core::Params::shown(&self.#field, flag) {
                    return Some(text);
                }
            });
            nested_applied.push(quote! {
                match #core::Params::apply(&mut self.#field, flag, values) {
                    Err(#core::ApplyError::NotMine) => {}
                    other => return other,
                }
            });
            nested_refused.push(quote!(#core::Params::refuse_unused(&self.#field, typed)?;));
            continue;
        }
        let own = info(flag, quote!(None), quote!(None));
        infos.push(quote!(all.push(#own);));
        if flag.attr.nested {
            let field_ty = &flag.ty;
            infos.push(quote! {
                for mut info in <#field_ty as #core::Params>::params() {
                    if let Some(within) = &mut info.within && within.parent.is_empty() {
                        within.parent = #name;
                    }
                    all.push(info);
                }
            });
            nested_shown.push(quote! {
                if let Some(text) = #core::Params::shown(&self.#field, flag) {
                    return Some(text);
                }
            });
            nested_applied.push(quote! {
                match #core::Params::apply(&mut self.#field, flag, values) {
                    Err(#core::ApplyError::NotMine) => {}
                    Err(#core::ApplyError::Absent { holder }) => {
                        let current = #core::ParamValue::show(&self.#field);
                        return Err(#core::ApplyError::Invalid(#core::absent(flag, #name, holder, &current)));
                    }
                    other => return other,
                }
            });
            nested_refused.push(quote!(#core::Params::refuse_unused(&self.#field, typed)?;));
        }
        let show = match &flag.attr.show {
            Some(path) => quote!(#path(self)),
            None => show_value(flag, quote!(self.#field)),
        };
        shown.push(quote!(#name => return #show,));
        let store = match (&flag.attr.set, flag.shape()) {
            (Some(path), Shape::One(t)) => quote! {
                let value: #t = #core::one(#name, values)?;
                #path(self, value).map_err(#core::ApplyError::Invalid)?;
            },
            (Some(path), Shape::Optional(t)) => quote! {
                let value: #t = #core::one(#name, values)?;
                #path(self, Some(value)).map_err(#core::ApplyError::Invalid)?;
            },
            (Some(_), _) => {
                return Err(syn::Error::new(field.span(), "`set` takes one value: not for lists or switches"));
            }
            (None, _) => store_value(flag, quote!(self.#field)),
        };
        applied.push(quote!(#name => { #store return Ok(()); }));
        if let (Some(only_if), Some(why)) = (&flag.attr.only_if, &flag.attr.why) {
            refused.push(quote! {
                if typed.contains(&#name) && !#only_if(self) {
                    return Err(format!("--{} {}", #name, #why));
                }
            });
        }
    }
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #core::Params for #ty #ty_generics #where_clause {
            fn params() -> Vec<#core::ParamInfo> {
                let mut all = Vec::new();
                #(#infos)*
                all
            }
            #[allow(unreachable_code, clippy::needless_return)]
            fn shown(&self, flag: &str) -> Option<String> {
                match flag {
                    #(#shown)*
                    _ => {}
                }
                #(#nested_shown)*
                None
            }
            #[allow(unreachable_code, clippy::needless_return, unused_variables)]
            fn apply(&mut self, flag: &str, values: &[String]) -> Result<(), #core::ApplyError> {
                match flag {
                    #(#applied)*
                    _ => {}
                }
                #(#nested_applied)*
                Err(#core::ApplyError::NotMine)
            }
            #[allow(unused_variables)]
            fn refuse_unused(&self, typed: &[&str]) -> Result<(), String> {
                #(#refused)*
                #(#nested_refused)*
                Ok(())
            }
        }
    })
}

/// `GaussianBlur` → `gaussian-blur`: the choice name of a variant (what `name()` says by convention).
fn kebab(ident: &syn::Ident) -> String {
    let mut out = String::new();
    for (i, c) in ident.to_string().chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('-');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn derive_enum(input: &DeriveInput, data: &syn::DataEnum) -> syn::Result<Tokens> {
    let core = quote!(::atelier_core::params);
    let ty = &input.ident;
    let mut infos = Vec::new();
    let mut shown = Vec::new();
    let mut applied = Vec::new();
    for variant in &data.variants {
        let Fields::Named(named) = &variant.fields else { continue };
        let vname = &variant.ident;
        let holder = kebab(vname);
        for flag in flags_of(&Fields::Named(named.clone()))? {
            let field = &flag.field;
            let name = flag.name();
            let within = quote!(Some(#core::Within { parent: "", holder: #holder }));
            let fallback = quote! {
                <#ty as #core::ParamValue>::presets().iter().find_map(|p| #core::Params::shown(p, #name))
            };
            infos.push(info(&flag, within, fallback));
            let show = show_value(&flag, quote!(*#field));
            shown.push(quote!((#ty::#vname { #field, .. }, #name) => #show,));
            let store = store_value(&flag, quote!(*#field));
            applied.push(quote! {
                #name => match self {
                    #ty::#vname { #field, .. } => { #store Ok(()) }
                    _ => Err(#core::ApplyError::Absent { holder: #holder }),
                },
            });
        }
    }
    Ok(quote! {
        impl #core::Params for #ty {
            fn params() -> Vec<#core::ParamInfo> {
                vec![#(#infos),*]
            }
            #[allow(unreachable_patterns)]
            fn shown(&self, flag: &str) -> Option<String> {
                match (self, flag) {
                    #(#shown)*
                    _ => None,
                }
            }
            #[allow(unused_variables)]
            fn apply(&mut self, flag: &str, values: &[String]) -> Result<(), #core::ApplyError> {
                match flag {
                    #(#applied)*
                    _ => Err(#core::ApplyError::NotMine),
                }
            }
            fn refuse_unused(&self, _typed: &[&str]) -> Result<(), String> {
                Ok(())
            }
        }
    })
}
