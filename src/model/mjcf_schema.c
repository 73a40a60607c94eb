/* The MJCF schema of MuJoCo 2.2.2: every element, where it may appear, and its attributes. Generated from
 * mj_printSchema() of libmujoco 2.2.2 (Debian libmujoco-dev); "(world)body" is "worldbody" at the top level and
 * "body" inside it, and "R" elements (body, default) may nest in themselves. Used to refuse unknown elements and
 * attributes with a clear error, as MuJoCo does. */
#include "model/mjcf_schema.h"

#include <string.h>

static const char *const a0[] = {"model", NULL};
static const char *const a1[] = {"autolimits", "boundmass", "boundinertia", "settotalmass", "balanceinertia", "strippath", "coordinate", "angle", "fitaabb", "eulerseq", "meshdir", "texturedir", "discardvisual", "convexhull", "usethread", "fusestatic", "inertiafromgeom", "inertiagrouprange", "exactmeshinertia", NULL};
static const char *const a2[] = {"mode", "useexisting", "uselimit", "accel", "maxforce", "timeconst", "timestep", "inttotal", "inteval", "tolrange", NULL};
static const char *const a3[] = {"timestep", "apirate", "impratio", "tolerance", "noslip_tolerance", "mpr_tolerance", "gravity", "wind", "magnetic", "density", "viscosity", "o_margin", "o_solref", "o_solimp", "integrator", "collision", "cone", "jacobian", "solver", "iterations", "noslip_iterations", "mpr_iterations", NULL};
static const char *const a4[] = {"constraint", "equality", "frictionloss", "limit", "contact", "passive", "gravity", "clampctrl", "warmstart", "filterparent", "actuation", "refsafe", "sensor", "override", "energy", "fwdinv", "sensornoise", "multiccd", NULL};
static const char *const a5[] = {"njmax", "nconmax", "nstack", "nuserdata", "nkey", "nuser_body", "nuser_jnt", "nuser_geom", "nuser_site", "nuser_cam", "nuser_tendon", "nuser_actuator", "nuser_sensor", NULL};
static const char *const a6[] = {NULL};
static const char *const a7[] = {"fovy", "ipd", "azimuth", "elevation", "linewidth", "glow", "offwidth", "offheight", NULL};
static const char *const a8[] = {"shadowsize", "offsamples", "numslices", "numstacks", "numquads", NULL};
static const char *const a9[] = {"ambient", "diffuse", "specular", "active", NULL};
static const char *const a10[] = {"stiffness", "stiffnessrot", "force", "torque", "alpha", "fogstart", "fogend", "znear", "zfar", "haze", "shadowclip", "shadowscale", "actuatortendon", NULL};
static const char *const a11[] = {"forcewidth", "contactwidth", "contactheight", "connect", "com", "camera", "light", "selectpoint", "jointlength", "jointwidth", "actuatorlength", "actuatorwidth", "framelength", "framewidth", "constraint", "slidercrank", NULL};
static const char *const a12[] = {"fog", "haze", "force", "inertia", "joint", "actuator", "actuatornegative", "actuatorpositive", "com", "camera", "light", "selectpoint", "connect", "contactpoint", "contactforce", "contactfriction", "contacttorque", "contactgap", "rangefinder", "constraint", "slidercrank", "crankbroken", NULL};
static const char *const a13[] = {"meaninertia", "meanmass", "meansize", "extent", "center", NULL};
static const char *const a14[] = {"class", NULL};
static const char *const a15[] = {"scale", NULL};
static const char *const a16[] = {"texture", "emission", "specular", "shininess", "reflectance", "rgba", "texrepeat", "texuniform", NULL};
static const char *const a17[] = {"type", "group", "pos", "axis", "springdamper", "limited", "solreflimit", "solimplimit", "solreffriction", "solimpfriction", "stiffness", "range", "margin", "ref", "springref", "armature", "damping", "frictionloss", "user", NULL};
static const char *const a18[] = {"type", "pos", "quat", "contype", "conaffinity", "condim", "group", "priority", "size", "material", "friction", "mass", "density", "shellinertia", "solmix", "solref", "solimp", "margin", "gap", "fromto", "axisangle", "xyaxes", "zaxis", "euler", "hfield", "mesh", "fitscale", "rgba", "fluidshape", "fluidcoef", "user", NULL};
static const char *const a19[] = {"type", "group", "pos", "quat", "material", "size", "fromto", "axisangle", "xyaxes", "zaxis", "euler", "rgba", "user", NULL};
static const char *const a20[] = {"fovy", "ipd", "pos", "quat", "axisangle", "xyaxes", "zaxis", "euler", "mode", "user", NULL};
static const char *const a21[] = {"pos", "dir", "directional", "castshadow", "active", "attenuation", "cutoff", "exponent", "ambient", "diffuse", "specular", "mode", NULL};
static const char *const a22[] = {"condim", "friction", "solref", "solimp", "gap", "margin", NULL};
static const char *const a23[] = {"active", "solref", "solimp", NULL};
static const char *const a24[] = {"group", "limited", "range", "solreflimit", "solimplimit", "solreffriction", "solimpfriction", "frictionloss", "springlength", "width", "material", "margin", "stiffness", "damping", "rgba", "user", NULL};
static const char *const a25[] = {"ctrllimited", "forcelimited", "actlimited", "ctrlrange", "forcerange", "actrange", "gear", "cranklength", "user", "group", "dyntype", "gaintype", "biastype", "dynprm", "gainprm", "biasprm", NULL};
static const char *const a26[] = {"ctrllimited", "forcelimited", "ctrlrange", "forcerange", "gear", "cranklength", "user", "group", NULL};
static const char *const a27[] = {"ctrllimited", "forcelimited", "ctrlrange", "forcerange", "gear", "cranklength", "user", "group", "kp", NULL};
static const char *const a28[] = {"ctrllimited", "forcelimited", "ctrlrange", "forcerange", "gear", "cranklength", "user", "group", "kv", NULL};
static const char *const a29[] = {"ctrllimited", "forcelimited", "ctrlrange", "forcerange", "actrange", "gear", "cranklength", "user", "group", "kp", NULL};
static const char *const a30[] = {"forcelimited", "ctrlrange", "forcerange", "gear", "cranklength", "user", "group", "kv", NULL};
static const char *const a31[] = {"ctrllimited", "forcelimited", "ctrlrange", "forcerange", "gear", "cranklength", "user", "group", "timeconst", "area", "diameter", "bias", NULL};
static const char *const a32[] = {"ctrllimited", "forcelimited", "ctrlrange", "forcerange", "gear", "cranklength", "user", "group", "timeconst", "range", "force", "scale", "lmin", "lmax", "vmax", "fpmax", "fvmax", NULL};
static const char *const a33[] = {"forcelimited", "ctrlrange", "forcerange", "gain", "user", "group", NULL};
static const char *const a34[] = {NULL};
static const char *const a35[] = {"name", "size", "data", NULL};
static const char *const a36[] = {"name", "data", NULL};
static const char *const a37[] = {"name", NULL};
static const char *const a38[] = {"objtype", "objname", "prm", NULL};
static const char *const a39[] = {NULL};
static const char *const a40[] = {"name", "type", "file", "gridsize", "gridlayout", "fileright", "fileleft", "fileup", "filedown", "filefront", "fileback", "builtin", "rgb1", "rgb2", "mark", "markrgb", "random", "width", "height", "hflip", "vflip", NULL};
static const char *const a41[] = {"name", "file", "nrow", "ncol", "size", NULL};
static const char *const a42[] = {"name", "class", "file", "vertex", "normal", "texcoord", "face", "refpos", "refquat", "scale", "smoothnormal", NULL};
static const char *const a43[] = {"name", "file", "material", "rgba", "inflate", "vertex", "texcoord", "face", "group", NULL};
static const char *const a44[] = {"body", "bindpos", "bindquat", "vertid", "vertweight", NULL};
static const char *const a45[] = {"name", "class", "texture", "texrepeat", "texuniform", "emission", "specular", "shininess", "reflectance", "rgba", NULL};
static const char *const a46[] = {"name", "childclass", "pos", "quat", "mocap", "axisangle", "xyaxes", "zaxis", "euler", "user", NULL};
static const char *const a47[] = {"pos", "quat", "mass", "diaginertia", "axisangle", "xyaxes", "zaxis", "euler", "fullinertia", NULL};
static const char *const a48[] = {"name", "class", "type", "group", "pos", "axis", "springdamper", "limited", "solreflimit", "solimplimit", "solreffriction", "solimpfriction", "stiffness", "range", "margin", "ref", "springref", "armature", "damping", "frictionloss", "user", NULL};
static const char *const a49[] = {"name", "group", NULL};
static const char *const a50[] = {"name", "class", "type", "contype", "conaffinity", "condim", "group", "priority", "size", "material", "friction", "mass", "density", "shellinertia", "solmix", "solref", "solimp", "margin", "gap", "fromto", "pos", "quat", "axisangle", "xyaxes", "zaxis", "euler", "hfield", "mesh", "fitscale", "rgba", "fluidshape", "fluidcoef", "user", NULL};
static const char *const a51[] = {"name", "class", "type", "group", "pos", "quat", "material", "size", "fromto", "axisangle", "xyaxes", "zaxis", "euler", "rgba", "user", NULL};
static const char *const a52[] = {"name", "class", "fovy", "ipd", "pos", "quat", "axisangle", "xyaxes", "zaxis", "euler", "mode", "target", "user", NULL};
static const char *const a53[] = {"name", "class", "directional", "castshadow", "active", "pos", "dir", "attenuation", "cutoff", "exponent", "ambient", "diffuse", "specular", "mode", "target", NULL};
static const char *const a54[] = {"prefix", "type", "count", "spacing", "offset", "flatinertia", "solrefsmooth", "solimpsmooth", NULL};
static const char *const a55[] = {"kind", "group", "stiffness", "damping", "armature", "solreffix", "solimpfix", "limited", "range", "margin", "solreflimit", "solimplimit", "frictionloss", "solreffriction", "solimpfriction", NULL};
static const char *const a56[] = {"kind", "group", "stiffness", "damping", "solreffix", "solimpfix", "limited", "range", "margin", "solreflimit", "solimplimit", "frictionloss", "solreffriction", "solimpfriction", "material", "rgba", "width", NULL};
static const char *const a57[] = {"texcoord", "material", "group", "rgba", "inflate", "subgrid", NULL};
static const char *const a58[] = {"type", "contype", "conaffinity", "condim", "group", "priority", "size", "material", "rgba", "friction", "mass", "density", "solmix", "solref", "solimp", "margin", "gap", NULL};
static const char *const a59[] = {"group", "size", "material", "rgba", NULL};
static const char *const a60[] = {"coord", NULL};
static const char *const a61[] = {NULL};
static const char *const a62[] = {"name", "class", "geom1", "geom2", "condim", "friction", "solref", "solimp", "gap", "margin", NULL};
static const char *const a63[] = {"name", "body1", "body2", NULL};
static const char *const a64[] = {NULL};
static const char *const a65[] = {"name", "class", "body1", "body2", "anchor", "active", "solref", "solimp", NULL};
static const char *const a66[] = {"name", "class", "body1", "body2", "relpose", "anchor", "active", "solref", "solimp", "torquescale", NULL};
static const char *const a67[] = {"name", "class", "joint1", "joint2", "polycoef", "active", "solref", "solimp", NULL};
static const char *const a68[] = {"name", "class", "tendon1", "tendon2", "polycoef", "active", "solref", "solimp", NULL};
static const char *const a69[] = {"name", "class", "geom1", "geom2", "distance", "active", "solref", "solimp", NULL};
static const char *const a70[] = {NULL};
static const char *const a71[] = {"name", "class", "group", "limited", "range", "solreflimit", "solimplimit", "solreffriction", "solimpfriction", "frictionloss", "springlength", "width", "material", "margin", "stiffness", "damping", "rgba", "user", NULL};
static const char *const a72[] = {"site", NULL};
static const char *const a73[] = {"geom", "sidesite", NULL};
static const char *const a74[] = {"divisor", NULL};
static const char *const a75[] = {"name", "class", "group", "limited", "range", "solreflimit", "solimplimit", "solreffriction", "solimpfriction", "frictionloss", "springlength", "margin", "stiffness", "damping", "user", NULL};
static const char *const a76[] = {"joint", "coef", NULL};
static const char *const a77[] = {NULL};
static const char *const a78[] = {"name", "class", "group", "ctrllimited", "forcelimited", "actlimited", "ctrlrange", "forcerange", "actrange", "lengthrange", "gear", "cranklength", "user", "joint", "jointinparent", "tendon", "slidersite", "cranksite", "site", "refsite", "body", "dyntype", "gaintype", "biastype", "dynprm", "gainprm", "biasprm", NULL};
static const char *const a79[] = {"name", "class", "group", "ctrllimited", "forcelimited", "ctrlrange", "forcerange", "lengthrange", "gear", "cranklength", "user", "joint", "jointinparent", "tendon", "slidersite", "cranksite", "site", "refsite", NULL};
static const char *const a80[] = {"name", "class", "group", "ctrllimited", "forcelimited", "ctrlrange", "forcerange", "lengthrange", "gear", "cranklength", "user", "joint", "jointinparent", "tendon", "slidersite", "cranksite", "site", "refsite", "kp", NULL};
static const char *const a81[] = {"name", "class", "group", "ctrllimited", "forcelimited", "ctrlrange", "forcerange", "lengthrange", "gear", "cranklength", "user", "joint", "jointinparent", "tendon", "slidersite", "cranksite", "site", "refsite", "kv", NULL};
static const char *const a82[] = {"name", "class", "group", "ctrllimited", "forcelimited", "ctrlrange", "forcerange", "actrange", "lengthrange", "gear", "cranklength", "user", "joint", "jointinparent", "tendon", "slidersite", "cranksite", "site", "refsite", "kp", NULL};
static const char *const a83[] = {"name", "class", "group", "forcelimited", "ctrlrange", "forcerange", "lengthrange", "gear", "cranklength", "user", "joint", "jointinparent", "tendon", "slidersite", "cranksite", "site", "refsite", "kv", NULL};
static const char *const a84[] = {"name", "class", "group", "ctrllimited", "forcelimited", "ctrlrange", "forcerange", "lengthrange", "gear", "cranklength", "user", "joint", "jointinparent", "tendon", "slidersite", "cranksite", "site", "refsite", "timeconst", "area", "diameter", "bias", NULL};
static const char *const a85[] = {"name", "class", "group", "ctrllimited", "forcelimited", "ctrlrange", "forcerange", "lengthrange", "gear", "cranklength", "user", "joint", "jointinparent", "tendon", "slidersite", "cranksite", "timeconst", "range", "force", "scale", "lmin", "lmax", "vmax", "fpmax", "fvmax", NULL};
static const char *const a86[] = {"name", "class", "group", "forcelimited", "ctrlrange", "forcerange", "user", "body", "gain", NULL};
static const char *const a87[] = {NULL};
static const char *const a88[] = {"name", "site", "cutoff", "noise", "user", NULL};
static const char *const a89[] = {"name", "site", "cutoff", "noise", "user", NULL};
static const char *const a90[] = {"name", "site", "cutoff", "noise", "user", NULL};
static const char *const a91[] = {"name", "site", "cutoff", "noise", "user", NULL};
static const char *const a92[] = {"name", "site", "cutoff", "noise", "user", NULL};
static const char *const a93[] = {"name", "site", "cutoff", "noise", "user", NULL};
static const char *const a94[] = {"name", "site", "cutoff", "noise", "user", NULL};
static const char *const a95[] = {"name", "site", "cutoff", "noise", "user", NULL};
static const char *const a96[] = {"name", "joint", "cutoff", "noise", "user", NULL};
static const char *const a97[] = {"name", "joint", "cutoff", "noise", "user", NULL};
static const char *const a98[] = {"name", "tendon", "cutoff", "noise", "user", NULL};
static const char *const a99[] = {"name", "tendon", "cutoff", "noise", "user", NULL};
static const char *const a100[] = {"name", "actuator", "cutoff", "noise", "user", NULL};
static const char *const a101[] = {"name", "actuator", "cutoff", "noise", "user", NULL};
static const char *const a102[] = {"name", "actuator", "cutoff", "noise", "user", NULL};
static const char *const a103[] = {"name", "joint", "cutoff", "noise", "user", NULL};
static const char *const a104[] = {"name", "joint", "cutoff", "noise", "user", NULL};
static const char *const a105[] = {"name", "joint", "cutoff", "noise", "user", NULL};
static const char *const a106[] = {"name", "joint", "cutoff", "noise", "user", NULL};
static const char *const a107[] = {"name", "joint", "cutoff", "noise", "user", NULL};
static const char *const a108[] = {"name", "tendon", "cutoff", "noise", "user", NULL};
static const char *const a109[] = {"name", "tendon", "cutoff", "noise", "user", NULL};
static const char *const a110[] = {"name", "tendon", "cutoff", "noise", "user", NULL};
static const char *const a111[] = {"name", "objtype", "objname", "reftype", "refname", "cutoff", "noise", "user", NULL};
static const char *const a112[] = {"name", "objtype", "objname", "reftype", "refname", "cutoff", "noise", "user", NULL};
static const char *const a113[] = {"name", "objtype", "objname", "reftype", "refname", "cutoff", "noise", "user", NULL};
static const char *const a114[] = {"name", "objtype", "objname", "reftype", "refname", "cutoff", "noise", "user", NULL};
static const char *const a115[] = {"name", "objtype", "objname", "reftype", "refname", "cutoff", "noise", "user", NULL};
static const char *const a116[] = {"name", "objtype", "objname", "reftype", "refname", "cutoff", "noise", "user", NULL};
static const char *const a117[] = {"name", "objtype", "objname", "reftype", "refname", "cutoff", "noise", "user", NULL};
static const char *const a118[] = {"name", "objtype", "objname", "cutoff", "noise", "user", NULL};
static const char *const a119[] = {"name", "objtype", "objname", "cutoff", "noise", "user", NULL};
static const char *const a120[] = {"name", "body", "cutoff", "noise", "user", NULL};
static const char *const a121[] = {"name", "body", "cutoff", "noise", "user", NULL};
static const char *const a122[] = {"name", "body", "cutoff", "noise", "user", NULL};
static const char *const a123[] = {"name", "cutoff", "noise", "user", NULL};
static const char *const a124[] = {"name", "objtype", "objname", "datatype", "needstage", "dim", "cutoff", "noise", "user", NULL};
static const char *const a125[] = {NULL};
static const char *const a126[] = {"name", "time", "qpos", "qvel", "act", "mpos", "mquat", "ctrl", NULL};

const mjcf_schema_elem mjcf_schema[] = {
    {"mujoco", -1, 0, a0}, /* 0 */
    {"compiler", 0, 0, a1}, /* 1 */
    {"lengthrange", 1, 0, a2}, /* 2 */
    {"option", 0, 0, a3}, /* 3 */
    {"flag", 3, 0, a4}, /* 4 */
    {"size", 0, 0, a5}, /* 5 */
    {"visual", 0, 0, a6}, /* 6 */
    {"global", 6, 0, a7}, /* 7 */
    {"quality", 6, 0, a8}, /* 8 */
    {"headlight", 6, 0, a9}, /* 9 */
    {"map", 6, 0, a10}, /* 10 */
    {"scale", 6, 0, a11}, /* 11 */
    {"rgba", 6, 0, a12}, /* 12 */
    {"statistic", 0, 0, a13}, /* 13 */
    {"default", 0, 1, a14}, /* 14 */
    {"mesh", 14, 0, a15}, /* 15 */
    {"material", 14, 0, a16}, /* 16 */
    {"joint", 14, 0, a17}, /* 17 */
    {"geom", 14, 0, a18}, /* 18 */
    {"site", 14, 0, a19}, /* 19 */
    {"camera", 14, 0, a20}, /* 20 */
    {"light", 14, 0, a21}, /* 21 */
    {"pair", 14, 0, a22}, /* 22 */
    {"equality", 14, 0, a23}, /* 23 */
    {"tendon", 14, 0, a24}, /* 24 */
    {"general", 14, 0, a25}, /* 25 */
    {"motor", 14, 0, a26}, /* 26 */
    {"position", 14, 0, a27}, /* 27 */
    {"velocity", 14, 0, a28}, /* 28 */
    {"intvelocity", 14, 0, a29}, /* 29 */
    {"damper", 14, 0, a30}, /* 30 */
    {"cylinder", 14, 0, a31}, /* 31 */
    {"muscle", 14, 0, a32}, /* 32 */
    {"adhesion", 14, 0, a33}, /* 33 */
    {"custom", 0, 0, a34}, /* 34 */
    {"numeric", 34, 0, a35}, /* 35 */
    {"text", 34, 0, a36}, /* 36 */
    {"tuple", 34, 0, a37}, /* 37 */
    {"element", 37, 0, a38}, /* 38 */
    {"asset", 0, 0, a39}, /* 39 */
    {"texture", 39, 0, a40}, /* 40 */
    {"hfield", 39, 0, a41}, /* 41 */
    {"mesh", 39, 0, a42}, /* 42 */
    {"skin", 39, 0, a43}, /* 43 */
    {"bone", 43, 0, a44}, /* 44 */
    {"material", 39, 0, a45}, /* 45 */
    {"(world)body", 0, 1, a46}, /* 46 */
    {"inertial", 46, 0, a47}, /* 47 */
    {"joint", 46, 0, a48}, /* 48 */
    {"freejoint", 46, 0, a49}, /* 49 */
    {"geom", 46, 0, a50}, /* 50 */
    {"site", 46, 0, a51}, /* 51 */
    {"camera", 46, 0, a52}, /* 52 */
    {"light", 46, 0, a53}, /* 53 */
    {"composite", 46, 0, a54}, /* 54 */
    {"joint", 54, 0, a55}, /* 55 */
    {"tendon", 54, 0, a56}, /* 56 */
    {"skin", 54, 0, a57}, /* 57 */
    {"geom", 54, 0, a58}, /* 58 */
    {"site", 54, 0, a59}, /* 59 */
    {"pin", 54, 0, a60}, /* 60 */
    {"contact", 0, 0, a61}, /* 61 */
    {"pair", 61, 0, a62}, /* 62 */
    {"exclude", 61, 0, a63}, /* 63 */
    {"equality", 0, 0, a64}, /* 64 */
    {"connect", 64, 0, a65}, /* 65 */
    {"weld", 64, 0, a66}, /* 66 */
    {"joint", 64, 0, a67}, /* 67 */
    {"tendon", 64, 0, a68}, /* 68 */
    {"distance", 64, 0, a69}, /* 69 */
    {"tendon", 0, 0, a70}, /* 70 */
    {"spatial", 70, 0, a71}, /* 71 */
    {"site", 71, 0, a72}, /* 72 */
    {"geom", 71, 0, a73}, /* 73 */
    {"pulley", 71, 0, a74}, /* 74 */
    {"fixed", 70, 0, a75}, /* 75 */
    {"joint", 75, 0, a76}, /* 76 */
    {"actuator", 0, 0, a77}, /* 77 */
    {"general", 77, 0, a78}, /* 78 */
    {"motor", 77, 0, a79}, /* 79 */
    {"position", 77, 0, a80}, /* 80 */
    {"velocity", 77, 0, a81}, /* 81 */
    {"intvelocity", 77, 0, a82}, /* 82 */
    {"damper", 77, 0, a83}, /* 83 */
    {"cylinder", 77, 0, a84}, /* 84 */
    {"muscle", 77, 0, a85}, /* 85 */
    {"adhesion", 77, 0, a86}, /* 86 */
    {"sensor", 0, 0, a87}, /* 87 */
    {"touch", 87, 0, a88}, /* 88 */
    {"accelerometer", 87, 0, a89}, /* 89 */
    {"velocimeter", 87, 0, a90}, /* 90 */
    {"gyro", 87, 0, a91}, /* 91 */
    {"force", 87, 0, a92}, /* 92 */
    {"torque", 87, 0, a93}, /* 93 */
    {"magnetometer", 87, 0, a94}, /* 94 */
    {"rangefinder", 87, 0, a95}, /* 95 */
    {"jointpos", 87, 0, a96}, /* 96 */
    {"jointvel", 87, 0, a97}, /* 97 */
    {"tendonpos", 87, 0, a98}, /* 98 */
    {"tendonvel", 87, 0, a99}, /* 99 */
    {"actuatorpos", 87, 0, a100}, /* 100 */
    {"actuatorvel", 87, 0, a101}, /* 101 */
    {"actuatorfrc", 87, 0, a102}, /* 102 */
    {"ballquat", 87, 0, a103}, /* 103 */
    {"ballangvel", 87, 0, a104}, /* 104 */
    {"jointlimitpos", 87, 0, a105}, /* 105 */
    {"jointlimitvel", 87, 0, a106}, /* 106 */
    {"jointlimitfrc", 87, 0, a107}, /* 107 */
    {"tendonlimitpos", 87, 0, a108}, /* 108 */
    {"tendonlimitvel", 87, 0, a109}, /* 109 */
    {"tendonlimitfrc", 87, 0, a110}, /* 110 */
    {"framepos", 87, 0, a111}, /* 111 */
    {"framequat", 87, 0, a112}, /* 112 */
    {"framexaxis", 87, 0, a113}, /* 113 */
    {"frameyaxis", 87, 0, a114}, /* 114 */
    {"framezaxis", 87, 0, a115}, /* 115 */
    {"framelinvel", 87, 0, a116}, /* 116 */
    {"frameangvel", 87, 0, a117}, /* 117 */
    {"framelinacc", 87, 0, a118}, /* 118 */
    {"frameangacc", 87, 0, a119}, /* 119 */
    {"subtreecom", 87, 0, a120}, /* 120 */
    {"subtreelinvel", 87, 0, a121}, /* 121 */
    {"subtreeangmom", 87, 0, a122}, /* 122 */
    {"clock", 87, 0, a123}, /* 123 */
    {"user", 87, 0, a124}, /* 124 */
    {"keyframe", 0, 0, a125}, /* 125 */
    {"key", 125, 0, a126}, /* 126 */
};
const int mjcf_schema_count = (int)(sizeof mjcf_schema / sizeof mjcf_schema[0]);

int mjcf_schema_child(int parent, const char *name)
{
    /* a recursive element may contain itself */
    if (parent >= 0 && mjcf_schema[parent].recursive) {
        const char *self = mjcf_schema[parent].name;
        if (strcmp(self, "(world)body") == 0 ? strcmp(name, "body") == 0 : strcmp(name, self) == 0)
            return parent;
    }
    for (int i = 0; i < mjcf_schema_count; i++) {
        if (mjcf_schema[i].parent != parent)
            continue;
        const char *n = mjcf_schema[i].name;
        if (strcmp(n, "(world)body") == 0 ? strcmp(name, "worldbody") == 0 : strcmp(n, name) == 0)
            return i;
    }
    return -1;
}
